using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>A reusable message: subject and bodies with Liquid-style placeholders.</summary>
public sealed class Template : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string Subject { get; set; }

    public required string HtmlContent { get; set; }

    public string? TextContent { get; set; }

    public List<string> Variables { get; set; } = [];

    /// <summary>
    /// Per-language variants keyed by BCP-47 tag (<c>fr</c>, <c>pt-BR</c>); a contact gets the variant of its exact
    /// language, else of its base language (<c>pt</c> for <c>pt-PT</c>), else the template's own subject and bodies.
    /// </summary>
    public Dictionary<string, TemplateLocalization> Localizations { get; set; } = [];

    public string? Category { get; set; }

    public bool IsActive { get; set; } = true;

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One language's subject and bodies of a <see cref="Template"/> (Liquid, like the template's own).</summary>
public sealed class TemplateLocalization
{
    public string? Subject { get; set; }

    public string? HtmlContent { get; set; }

    /// <summary>The plain-text body; when absent, this variant's HTML stripped of tags.</summary>
    public string? TextContent { get; set; }
}

/// <summary>Picks the localisation of a template for a language.</summary>
public static class TemplateLanguages
{
    /// <summary>
    /// The localisation for <paramref name="language"/>: the exact tag (case-insensitive), then its base language
    /// (<c>pt</c> for <c>pt-BR</c>); null: the template's default. Returns the tag it matched.
    /// </summary>
    public static (string Tag, TemplateLocalization Localization)? Pick(Template template, string? language)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (string.IsNullOrWhiteSpace(language) || template.Localizations.Count == 0)
        {
            return null;
        }

        var wanted = language.Trim().Replace('_', '-');
        if (Find(template, wanted) is { } exact)
        {
            return exact;
        }

        var dash = wanted.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? Find(template, wanted[..dash]) : null;
    }

    private static (string, TemplateLocalization)? Find(Template template, string tag)
    {
        foreach (var (key, value) in template.Localizations)
        {
            if (string.Equals(key, tag, StringComparison.OrdinalIgnoreCase))
            {
                return (key, value);
            }
        }

        return null;
    }
}
