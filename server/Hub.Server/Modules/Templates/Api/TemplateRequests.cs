using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Campaigns;

namespace Hub.Server.Modules.Templates.Api;

/// <summary>A message template as the API shows it (spec 003 <c>EmailTemplate</c>).</summary>
public sealed record TemplateResponse(
    Guid Id,
    string Name,
    string? Description,
    string Subject,
    string HtmlContent,
    string? TextContent,
    IReadOnlyList<string> Variables,
    IReadOnlyDictionary<string, TemplateLocalization> Localizations,
    string? Category,
    bool IsActive,
    Guid? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static TemplateResponse From(Template t) => new(
        t.Id, t.Name, t.Description, t.Subject, t.HtmlContent, t.TextContent, t.Variables, t.Localizations, t.Category, t.IsActive, t.CreatedBy, t.CreatedAt, t.UpdatedAt);
}

/// <summary>
/// Creates or replaces a template. Subject and bodies are Liquid: <c>{{ contact.first_name }}</c>, <c>{{ data.amount }}</c>,
/// and the names declared in <see cref="Variables"/>. They are checked at save: a syntax error or an unknown variable is a 422
/// naming the field.
/// </summary>
public sealed record TemplateRequest
{
    /// <summary>Unique in the workspace; rules refer to templates by name.</summary>
    [Required, MaxLength(200), RegularExpression(@"^\S(.*\S)?$", ErrorMessage = "name cannot start or end with spaces.")]
    public string? Name { get; init; }

    [MaxLength(1000)]
    public string? Description { get; init; }

    [Required, MaxLength(998)]
    public string? Subject { get; init; }

    [Required, MaxLength(1_000_000)]
    public string? HtmlContent { get; init; }

    /// <summary>The plain-text body; when absent, the HTML stripped of tags.</summary>
    [MaxLength(1_000_000)]
    public string? TextContent { get; init; }

    /// <summary>The custom variables the template uses by name, filled from the data at send time.</summary>
    [MaxLength(100)]
    public List<string>? Variables { get; init; }

    /// <summary>
    /// Per-language variants keyed by BCP-47 tag (<c>fr</c>, <c>pt-BR</c>): subject and html_content (required) and
    /// text_content, checked like the template's own (errors named <c>localizations.fr.subject</c>). A contact gets
    /// its exact language, else its base language, else the template's default.
    /// </summary>
    [MaxLength(100)]
    public Dictionary<string, TemplateLocalization>? Localizations { get; init; }

    [MaxLength(100)]
    public string? Category { get; init; }

    public bool? IsActive { get; init; }
}

/// <summary>What to render a template with: a stored contact (by user id) and/or data (event properties).</summary>
public sealed record PreviewTemplateRequest
{
    /// <summary>The user id (a contact's external id, or its Hub id) to render for; a sample contact when absent.</summary>
    [MaxLength(200)]
    public string? UserId { get; init; }

    /// <summary>The language to render in (a BCP-47 tag); default: the contact's language.</summary>
    [MaxLength(35)]
    public string? Language { get; init; }

    /// <summary>What <c>{{ data.* }}</c> and the declared variables read.</summary>
    public Dictionary<string, JsonElement>? Data { get; init; }
}
