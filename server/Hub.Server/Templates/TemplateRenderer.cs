using System.Text.Json;
using Fluid;
using Hub.Core.Campaigns;
using Hub.Core.Contacts;

namespace Hub.Server.Templates;

/// <summary>A template filled in for one contact.</summary>
public sealed record RenderedTemplate(string Subject, string Html, string Text);

/// <summary>
/// The one template renderer (Liquid, via Fluid): <c>{{ contact.first_name }}</c>, <c>{{ contact.attributes.plan }}</c>,
/// <c>{{ data.amount }}</c> (the event's properties or the caller's data). Thread-safe; registered as a singleton.
/// </summary>
public sealed class TemplateRenderer
{
    private static readonly FluidParser Parser = new();

    /// <summary>Renders subject, HTML and text (the text falls back to the HTML stripped of tags).</summary>
    public RenderedTemplate Render(Template template, Contact contact, IReadOnlyDictionary<string, JsonElement>? data)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contact);
        var context = new TemplateContext();
        context.SetValue("contact", new Dictionary<string, object?>
        {
            ["first_name"] = contact.FirstName,
            ["last_name"] = contact.LastName,
            ["name"] = contact.DisplayName,
            ["email"] = contact.Email,
            ["phone"] = contact.Phone,
            ["user_id"] = contact.ExternalId,
            ["language"] = contact.Language,
            ["attributes"] = contact.Attributes.ToDictionary(a => a.Key, a => (object?)a.Value.ToString()),
        });
        context.SetValue("data", (data ?? new Dictionary<string, JsonElement>()).ToDictionary(a => a.Key, a => (object?)a.Value.ToString()));
        var subject = Parser.Parse(template.Subject).Render(context);
        var html = Parser.Parse(template.HtmlContent).Render(context);
        var text = template.TextContent is { } t ? Parser.Parse(t).Render(context) : System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", string.Empty);
        return new RenderedTemplate(subject, html, text);
    }
}
