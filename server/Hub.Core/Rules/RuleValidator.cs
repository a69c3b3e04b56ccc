using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hub.Core.Rules;

/// <summary>
/// Checks a rule before it is saved, so the engine never meets a rule it cannot evaluate. Errors are keyed by the
/// exact path of the offending value as the API and YAML spell it (<c>conditions.any[1].all[0].value</c>,
/// <c>action.template</c>, <c>suppression.window</c>), behind an optional prefix (<c>rules[2].</c> for imports).
/// </summary>
/// <remarks>
/// Names: 1 to 200 of letters (either case), digits, <c>_</c>, <c>.</c> and <c>-</c>, like the spec's
/// <c>insufficient_funds_email</c>. Conditions nest at most <see cref="MaxDepth"/> deep and number at most
/// <see cref="MaxConditions"/> in all (groups count).
/// </remarks>
public static partial class RuleValidator
{
    /// <summary>How deep groups may nest: <c>conditions.all[0]</c> is depth 1.</summary>
    public const int MaxDepth = 5;

    /// <summary>How many conditions (groups included) a rule may have in all.</summary>
    public const int MaxConditions = 50;

    /// <summary>How many values an <c>in</c> list may hold.</summary>
    public const int MaxInValues = 1000;

    /// <summary>The channels a send action may use.</summary>
    public static readonly IReadOnlyList<string> SendChannels = ["email", "sms", "whatsapp"];

    /// <summary>The push priorities.</summary>
    public static readonly IReadOnlyList<string> Priorities = ["low", "normal", "high", "critical"];

    /// <summary>The stored contact's fields a <c>user.*</c> condition may test (plus <c>user.attributes.&lt;key&gt;</c>).</summary>
    public static readonly IReadOnlyList<string> UserFields = ["email", "phone", "first_name", "last_name", "timezone", "language", "is_active"];

    private static readonly string[] FieldRoots = ["properties.", "traits.", "user."];

    /// <summary>Checks <paramref name="rule"/>; an empty answer means it can be saved.</summary>
    /// <param name="rule">The rule to check.</param>
    /// <param name="prefix">Put before every path, e.g. <c>rules[2].</c>; empty for a single rule.</param>
    public static Dictionary<string, string[]> Validate(Rule rule, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(rule);
        prefix ??= string.Empty;
        var errors = new Errors(prefix);

        if (string.IsNullOrEmpty(rule.Name))
        {
            errors.Add("name", "name is required.");
        }
        else if (!NamePattern().IsMatch(rule.Name))
        {
            errors.Add("name", "name must be 1 to 200 letters, digits, '_', '.' or '-'.");
        }

        if (rule.Description is { Length: > 1000 })
        {
            errors.Add("description", "description must be at most 1000 characters.");
        }

        if (string.IsNullOrWhiteSpace(rule.EventType))
        {
            errors.Add("trigger.event_type", "trigger.event_type is required.");
        }
        else if (rule.EventType.Length > 200 || rule.EventType.Trim() != rule.EventType)
        {
            errors.Add("trigger.event_type", "event_type must be at most 200 characters, without surrounding spaces.");
        }

        CheckConditions(rule.Conditions ?? new RuleConditions(), errors);
        CheckAction(rule.Action ?? new RuleAction(), errors);
        CheckSuppression(rule.Suppression ?? new RuleSuppression(), errors);
        return errors.ToDictionary();
    }

    /// <summary>Whether <paramref name="name"/> is a valid rule name.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private static void CheckConditions(RuleConditions conditions, Errors errors)
    {
        var count = 0;
        CheckList(conditions.All, "conditions.all", 1, ref count, errors);
        CheckList(conditions.Any, "conditions.any", 1, ref count, errors);
        if (count > MaxConditions)
        {
            errors.Add("conditions", $"A rule may have at most {MaxConditions} conditions in all; this one has {count}.");
        }
    }

    private static void CheckList(List<RuleCondition>? list, string path, int depth, ref int count, Errors errors)
    {
        if (list is null)
        {
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            count++;
            CheckCondition(list[i], $"{path}[{i}]", depth, ref count, errors);
        }
    }

    private static void CheckCondition(RuleCondition? condition, string path, int depth, ref int count, Errors errors)
    {
        if (condition is null)
        {
            errors.Add(path, "A condition cannot be null.");
            return;
        }

        var isField = condition.Field is not null || condition.Operator is not null || condition.Value is not null;
        var isPrior = condition.PriorEvent is not null || condition.Within is not null || condition.Absent;
        var isGroup = condition.All is not null || condition.Any is not null;
        var kinds = (isField ? 1 : 0) + (isPrior ? 1 : 0) + (isGroup ? 1 : 0);
        if (kinds == 0)
        {
            errors.Add(path, "A condition is a field test (field, operator, value), a prior_event test (prior_event, within) or a group (all/any).");
            return;
        }

        if (kinds > 1)
        {
            errors.Add(path, "A condition is exactly one of a field test (field, operator, value), a prior_event test (prior_event, within, absent) or a group (all/any); this one mixes them.");
            return;
        }

        if (isGroup)
        {
            if (depth >= MaxDepth)
            {
                errors.Add(path, $"Conditions nest at most {MaxDepth} deep.");
                return;
            }

            if ((condition.All?.Count ?? 0) + (condition.Any?.Count ?? 0) == 0)
            {
                errors.Add(path, "A group needs at least one condition in all or any.");
            }

            CheckList(condition.All, path + ".all", depth + 1, ref count, errors);
            CheckList(condition.Any, path + ".any", depth + 1, ref count, errors);
        }
        else if (isPrior)
        {
            CheckPriorEvent(condition, path, errors);
        }
        else
        {
            CheckFieldTest(condition, path, errors);
        }
    }

    private static void CheckPriorEvent(RuleCondition condition, string path, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(condition.PriorEvent))
        {
            errors.Add(path + ".prior_event", "prior_event (the event type the user must have sent before) is required.");
        }
        else if (condition.PriorEvent.Length > 200)
        {
            errors.Add(path + ".prior_event", "prior_event must be at most 200 characters.");
        }

        if (condition.Within is not null && !RuleDuration.TryParse(condition.Within, out _))
        {
            errors.Add(path + ".within", $"'{condition.Within}' is not a duration such as 30m, 24h or 7d (at most {RuleDuration.Max.TotalDays:0}d).");
        }
    }

    private static void CheckFieldTest(RuleCondition condition, string path, Errors errors)
    {
        if (string.IsNullOrEmpty(condition.Field))
        {
            errors.Add(path + ".field", "field is required (properties.*, traits.* or user.*).");
        }
        else if (FieldProblem(condition.Field) is { } problem)
        {
            errors.Add(path + ".field", problem);
        }

        if (condition.Operator is not { } op)
        {
            errors.Add(path + ".operator", "operator is required: equals, not_equals, in, gt, lt, exists or contains.");
            return;
        }

        if (!Enum.IsDefined(op))
        {
            errors.Add(path + ".operator", "operator must be one of equals, not_equals, in, gt, lt, exists or contains.");
            return;
        }

        var value = condition.Value is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } v ? v : (JsonElement?)null;
        if (op == ConditionOperator.Exists)
        {
            if (value is not null)
            {
                errors.Add(path + ".value", "exists takes no value.");
            }

            return;
        }

        if (value is not { } given)
        {
            errors.Add(path + ".value", $"{Spell(op)} needs a value.");
            return;
        }

        switch (op)
        {
            case ConditionOperator.In:
                if (given.ValueKind != JsonValueKind.Array || given.GetArrayLength() == 0)
                {
                    errors.Add(path + ".value", "in needs a non-empty list of values.");
                }
                else if (given.GetArrayLength() > MaxInValues)
                {
                    errors.Add(path + ".value", $"in takes at most {MaxInValues} values.");
                }
                else if (given.EnumerateArray().Any(e => !IsScalar(e)))
                {
                    errors.Add(path + ".value", "in takes a list of strings, numbers or booleans.");
                }

                break;
            case ConditionOperator.Gt or ConditionOperator.Lt:
                if (given.ValueKind != JsonValueKind.Number && !(given.ValueKind == JsonValueKind.String && IsIsoDate(given.GetString()!)))
                {
                    errors.Add(path + ".value", $"{Spell(op)} needs a number or an ISO-8601 date-time such as 2026-01-31T00:00:00Z.");
                }

                break;
            default:
                if (!IsScalar(given))
                {
                    errors.Add(path + ".value", $"{Spell(op)} needs a string, number or boolean value.");
                }

                break;
        }
    }

    private static string? FieldProblem(string field)
    {
        var root = FieldRoots.FirstOrDefault(r => field.StartsWith(r, StringComparison.Ordinal));
        if (root is null)
        {
            return $"field must start with properties., traits. or user. ('{field}' does not).";
        }

        var rest = field[root.Length..];
        if (field.Length > 200 || rest.Length == 0 || rest.Split('.').Any(s => !SegmentPattern().IsMatch(s)))
        {
            return $"'{field}' is not a field path such as properties.amount (dot-separated names of letters, digits, '_' or '-').";
        }

        if (root == "user." && !UserFields.Contains(rest) && !(rest.StartsWith("attributes.", StringComparison.Ordinal) && rest.Length > "attributes.".Length))
        {
            return $"user.{rest} is not a stored user field; use one of {string.Join(", ", UserFields.Select(f => "user." + f))} or user.attributes.<key>.";
        }

        return null;
    }

    private static void CheckAction(RuleAction action, Errors errors)
    {
        switch (action.Type)
        {
            case RuleActionType.Send:
                RequireTemplate(action, errors);
                if (string.IsNullOrEmpty(action.Channel))
                {
                    errors.Add("action.channel", "A send action needs a channel: email, sms or whatsapp.");
                }
                else if (!SendChannels.Contains(action.Channel))
                {
                    errors.Add("action.channel", $"'{action.Channel}' is not a send channel; use email, sms or whatsapp.");
                }

                break;
            case RuleActionType.Push:
                RequireTemplate(action, errors);
                if (action.Channel is not null and not "push")
                {
                    errors.Add("action.channel", "A push action goes to the user's devices; leave channel out.");
                }

                break;
            case RuleActionType.Webhook:
                if (string.IsNullOrEmpty(action.Url))
                {
                    errors.Add("action.url", "A webhook action needs a url.");
                }
                else if (!Uri.TryCreate(action.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || action.Url.Length > 2000)
                {
                    errors.Add("action.url", $"'{action.Url}' is not an absolute http or https URL.");
                }

                break;
            case RuleActionType.Assign:
                if (string.IsNullOrEmpty(action.AssignTo))
                {
                    errors.Add("action.assign_to", "An assign action needs assign_to: a member's email, or auto.");
                }
                else if (action.AssignTo != "auto" && !IsEmail(action.AssignTo))
                {
                    errors.Add("action.assign_to", $"'{action.AssignTo}' is neither a member's email nor auto.");
                }

                break;
            default:
                errors.Add("action.type", "action.type must be send, push, webhook or assign.");
                break;
        }

        if (action.Category is null || !CategoryPattern().IsMatch(action.Category))
        {
            errors.Add("action.category", "category must be 1 to 50 of a-z, 0-9, '_' or '-' (e.g. updates, marketing, security).");
        }

        if (action.Priority is not null && !Priorities.Contains(action.Priority))
        {
            errors.Add("action.priority", "priority must be low, normal, high or critical.");
        }
    }

    private static void RequireTemplate(RuleAction action, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(action.Template))
        {
            errors.Add("action.template", $"A {Spell(action.Type)} action needs a template (the template's name).");
        }
        else if (action.Template.Length > 200)
        {
            errors.Add("action.template", "template must be at most 200 characters.");
        }
    }

    private static void CheckSuppression(RuleSuppression suppression, Errors errors)
    {
        if (!Enum.IsDefined(suppression.Mode))
        {
            errors.Add("suppression.mode", "mode must be none, once_ever, once_per_calendar_day or max_per_window.");
            return;
        }

        if (suppression.Mode == SuppressionMode.MaxPerWindow)
        {
            if (suppression.Max is not { } max)
            {
                errors.Add("suppression.max", "max_per_window needs max (1 to 1000).");
            }
            else if (max is < 1 or > 1000)
            {
                errors.Add("suppression.max", "max must be between 1 and 1000.");
            }

            if (suppression.Window is null)
            {
                errors.Add("suppression.window", "max_per_window needs a window such as 1h, 24h or 7d.");
            }
            else if (!RuleDuration.TryParse(suppression.Window, out _))
            {
                errors.Add("suppression.window", $"'{suppression.Window}' is not a duration such as 1h, 24h or 7d (at most {RuleDuration.Max.TotalDays:0}d).");
            }

            return;
        }

        if (suppression.Max is not null)
        {
            errors.Add("suppression.max", $"max only applies to max_per_window, not {Spell(suppression.Mode)}.");
        }

        if (suppression.Window is not null)
        {
            errors.Add("suppression.window", $"window only applies to max_per_window, not {Spell(suppression.Mode)}.");
        }
    }

    private static bool IsScalar(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static bool IsIsoDate(string text) =>
        IsoDatePattern().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    private static bool IsEmail(string text) =>
        text.Length <= 320 && MailAddress.TryCreate(text, out var address) && address.Address == text;

    private static string Spell<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();

    [GeneratedRegex("^[a-z0-9_-]{1,50}$", RegexOptions.CultureInvariant)]
    private static partial Regex CategoryPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDatePattern();

    /// <summary>Errors keyed by path, in the order found.</summary>
    private sealed class Errors(string prefix)
    {
        private readonly Dictionary<string, List<string>> _byPath = [];

        public void Add(string path, string message)
        {
            var key = prefix + path;
            if (!_byPath.TryGetValue(key, out var list))
            {
                _byPath[key] = list = [];
            }

            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _byPath.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}
