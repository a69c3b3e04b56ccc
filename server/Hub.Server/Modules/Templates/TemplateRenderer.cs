using System.Collections.Concurrent;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;
using Hub.Core.Campaigns;
using Hub.Core.Contacts;

namespace Hub.Server.Modules.Templates;

/// <summary>A template filled in for one contact.</summary>
/// <param name="Language">The localisation used (its tag, e.g. <c>pt-BR</c>); null: the template's default.</param>
public sealed record RenderedTemplate(string Subject, string Html, string Text, string? Language = null);

/// <summary>
/// The one template renderer (Liquid, via Fluid): <c>{{ contact.first_name }}</c>, <c>{{ contact.attributes.plan }}</c>,
/// <c>{{ data.amount }}</c> (the event's properties or the caller's data), and the template's declared
/// <see cref="Template.Variables"/> by name (<c>{{ discount_code }}</c>, taken from the data). Numbers, booleans, lists and
/// nested objects keep their type, so <c>{% if data.amount > 100 %}</c> and <c>{{ data.order.id }}</c> work; values written
/// into <c>html_content</c> are HTML-encoded. Parsed templates are cached (rules render on every send). Thread-safe; a singleton.
/// </summary>
public sealed partial class TemplateRenderer
{
    /// <summary>The <c>contact.*</c> members the renderer provides.</summary>
    public static readonly IReadOnlySet<string> ContactFields =
        new HashSet<string>(StringComparer.Ordinal) { "first_name", "last_name", "name", "email", "phone", "user_id", "language", "timezone", "attributes" };

    // Names Liquid itself defines inside loops, or literals some parsers surface as names.
    private static readonly HashSet<string> BuiltIns = new(StringComparer.Ordinal) { "forloop", "tablerowloop", "empty", "blank", "nil", "null", "true", "false" };

    private const int MaxCached = 2000;

    private static readonly FluidParser Parser = new();

    private readonly TemplateOptions _options = new() { MaxSteps = 200_000, MaxRecursion = 20 };
    private readonly ConcurrentDictionary<(Guid Template, string Part), (string Source, IFluidTemplate Parsed)> _cache = new();

    /// <summary>
    /// Renders subject, HTML and text (the text falls back to the HTML stripped of tags) in the contact's language:
    /// the localisation of its exact tag, else of its base language, else the template's default
    /// (<see cref="TemplateLanguages.Pick"/>). <paramref name="language"/> overrides the contact's (previews).
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored template does not parse (it was saved before save-time checks).</exception>
    public RenderedTemplate Render(Template template, Contact contact, IReadOnlyDictionary<string, JsonElement>? data, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contact);
        var localized = TemplateLanguages.Pick(template, language ?? contact.Language);
        var context = new TemplateContext(_options);
        context.SetValue("contact", ContactModel(contact));
        var model = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in data ?? new Dictionary<string, JsonElement>())
        {
            model[key] = TemplateValues.From(value);
        }

        context.SetValue("data", model);
        foreach (var variable in template.Variables)
        {
            if (variable is not ("contact" or "data") && model.TryGetValue(variable, out var value))
            {
                context.SetValue(variable, value);
            }
        }

        var prefix = localized is { } l ? $"localizations.{l.Tag}." : string.Empty;
        var part = localized?.Localization;
        var subjectSource = part?.Subject ?? template.Subject;
        var htmlSource = part?.HtmlContent ?? template.HtmlContent;
        var textSource = part is null ? template.TextContent : part.TextContent;

        // A subject is a header: a value with a line break must not start a new one.
        var subject = LineBreaks().Replace(Parsed(template, prefix + "subject", subjectSource).Render(context, NullEncoder.Default), " ");
        var html = Parsed(template, prefix + "html_content", htmlSource).Render(context, HtmlEncoder.Default);
        var text = textSource is { Length: > 0 } t
            ? Parsed(template, prefix + "text_content", t).Render(context, NullEncoder.Default)
            : WebUtility.HtmlDecode(Tags().Replace(html, string.Empty));
        return new RenderedTemplate(subject, html, text, localized?.Tag);
    }

    /// <summary>
    /// What stops <paramref name="template"/> from rendering, found at save: Liquid syntax errors (with the parser's
    /// message and position), unknown filters, and unknown variables (anything but <c>contact.*</c> fields, <c>data.*</c>,
    /// the declared variables and names the template assigns itself). Keyed by field: <c>subject</c>,
    /// <c>html_content</c>, <c>text_content</c>, <c>variables</c>, <c>localizations.{tag}.{part}</c>. Empty when the template is fine.
    /// </summary>
    public Dictionary<string, string[]> Check(Template template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var variableErrors = new List<string>();
        foreach (var variable in template.Variables)
        {
            if (variable is null || !VariableName().IsMatch(variable))
            {
                variableErrors.Add($"'{variable}' is not a variable name (a letter or '_', then letters, digits or '_', at most 64).");
            }
            else if (variable is "contact" or "data")
            {
                variableErrors.Add($"'{variable}' is built in; declare only your own variables.");
            }
            else if (!declared.Add(variable))
            {
                variableErrors.Add($"'{variable}' is declared twice.");
            }
        }

        if (variableErrors.Count > 0)
        {
            errors["variables"] = [.. variableErrors];
        }

        CheckPart("subject", template.Subject, declared, errors);
        CheckPart("html_content", template.HtmlContent, declared, errors);
        if (template.TextContent is not null)
        {
            CheckPart("text_content", template.TextContent, declared, errors);
        }

        CheckLocalizations(template, declared, errors);
        return errors;
    }

    /// <summary>Each localisation is checked like the template itself, keyed <c>localizations.{tag}.{part}</c>.</summary>
    private void CheckLocalizations(Template template, HashSet<string> declared, Dictionary<string, string[]> errors)
    {
        var tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tag, localization) in template.Localizations)
        {
            var field = $"localizations.{tag}";
            if (tag is null || !LanguageTag().IsMatch(tag))
            {
                errors[field] = [$"'{tag}' is not a BCP-47 language tag such as fr, pt-BR or zh-Hant-TW."];
                continue;
            }

            if (!tags.Add(tag))
            {
                errors[field] = [$"'{tag}' is given twice (tags are case-insensitive)."];
                continue;
            }

            if (localization is null)
            {
                errors[field] = ["A localisation needs subject and html_content."];
                continue;
            }

            if (string.IsNullOrWhiteSpace(localization.Subject))
            {
                errors[$"{field}.subject"] = ["A localisation needs a subject."];
            }
            else if (localization.Subject.Length > 998)
            {
                errors[$"{field}.subject"] = ["subject must be at most 998 characters."];
            }
            else
            {
                CheckPart($"{field}.subject", localization.Subject, declared, errors);
            }

            if (string.IsNullOrWhiteSpace(localization.HtmlContent))
            {
                errors[$"{field}.html_content"] = ["A localisation needs html_content."];
            }
            else
            {
                CheckPart($"{field}.html_content", localization.HtmlContent, declared, errors);
            }

            if (localization.TextContent is not null)
            {
                CheckPart($"{field}.text_content", localization.TextContent, declared, errors);
            }
        }
    }

    private void CheckPart(string field, string? source, HashSet<string> declared, Dictionary<string, string[]> errors)
    {
        if (source is null)
        {
            return;
        }

        if (!Parser.TryParse(source, out var parsed, out var error))
        {
            errors[field] = [$"Liquid syntax error: {error}"];
            return;
        }

        var names = new TemplateNames();
        names.VisitTemplate(parsed);
        var problems = new List<string>();
        foreach (var tag in names.Unsupported.Distinct(StringComparer.Ordinal))
        {
            problems.Add($"The {tag} tag is not supported: a template cannot pull in other template files.");
        }

        foreach (var filter in names.Filters.Where(f => !_options.Filters.TryGetValue(f, out _)).Distinct(StringComparer.Ordinal))
        {
            problems.Add($"Unknown filter '{filter}'.");
        }

        foreach (var path in names.Paths.Distinct(StringComparer.Ordinal))
        {
            var parts = path.Split('.');
            var root = parts[0];
            var known = root == "data" || declared.Contains(root) || names.Locals.Contains(root) || BuiltIns.Contains(root)
                || (root == "contact" && (parts.Length == 1 || ContactFields.Contains(parts[1])));
            if (!known)
            {
                var shown = root == "contact" ? $"contact.{parts[1]}" : root;
                problems.Add($"Unknown variable '{shown}': use contact.<{string.Join("|", ContactFields)}>, data.<key> or declare it in variables.");
            }
        }

        if (problems.Count > 0)
        {
            errors[field] = [.. problems.Distinct(StringComparer.Ordinal)];
        }
    }

    private IFluidTemplate Parsed(Template template, string part, string source)
    {
        var key = (template.Id, part);
        if (_cache.TryGetValue(key, out var cached) && string.Equals(cached.Source, source, StringComparison.Ordinal))
        {
            return cached.Parsed;
        }

        if (!Parser.TryParse(source, out var parsed, out var error))
        {
            throw new InvalidOperationException($"Template '{template.Name}' {part} does not parse: {error}");
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[key] = (source, parsed);
        return parsed;
    }

    private static Dictionary<string, object?> ContactModel(Contact contact)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in contact.Attributes)
        {
            attributes[key] = TemplateValues.From(value);
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["first_name"] = contact.FirstName,
            ["last_name"] = contact.LastName,
            ["name"] = contact.DisplayName,
            ["email"] = contact.Email,
            ["phone"] = contact.Phone,
            ["user_id"] = contact.ExternalId,
            ["language"] = contact.Language,
            ["timezone"] = contact.TimeZone,
            ["attributes"] = attributes,
        };
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"[\r\n]+")]
    private static partial Regex LineBreaks();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex VariableName();
}
