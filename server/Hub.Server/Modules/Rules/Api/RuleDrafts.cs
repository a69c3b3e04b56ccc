using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Rules;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>Turns a written rule (JSON or YAML) into the typed rule and every error in it, keyed by exact path.</summary>
internal static class RuleDrafts
{
    /// <summary>The rule <paramref name="request"/> describes, and what is wrong with it (empty when nothing).</summary>
    /// <param name="request">The rule as written.</param>
    /// <param name="prefix">Put before every error path (<c>rules[2].</c> in imports).</param>
    public static (Rule Rule, Dictionary<string, string[]> Errors) From(RuleRequest request, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var eventType = request.Trigger?.EventType;
        if (request.EventType is not null)
        {
            if (eventType is not null && eventType != request.EventType)
            {
                errors[prefix + "event_type"] = ["event_type and trigger.event_type disagree; give one."];
            }

            eventType = request.EventType;
        }

        var action = new RuleAction();
        if (request.Action is not { } a)
        {
            errors[prefix + "action"] = ["action is required."];
        }
        else
        {
            if (a.Type is not { } type)
            {
                errors[prefix + "action.type"] = ["action.type is required: send, push, webhook or assign."];
            }
            else
            {
                action.Type = type;
            }

            action.Template = Alias(a.Template, a.TemplateName, prefix + "action.template_name", "template", errors);
            action.Channel = Alias(a.Channel, a.DeliveryMethod, prefix + "action.delivery_method", "channel", errors);
            action.Category = a.Category ?? action.Category;
            action.Priority = a.Priority;
            action.Url = a.Url;
            action.AssignTo = a.AssignTo;
        }

        var conditions = request.Conditions ?? new RuleConditions();
        conditions.All ??= [];
        conditions.Any ??= [];
        var rule = new Rule
        {
            Name = request.Name ?? string.Empty,
            Description = request.Description,
            EventType = eventType ?? string.Empty,
            Conditions = conditions,
            Action = action,
            Suppression = request.Suppression ?? new RuleSuppression(),
            Continue = request.Continue ?? false,
            IsActive = request.Enabled ?? true,
        };

        foreach (var (path, messages) in RuleValidator.Validate(rule, prefix))
        {
            // A missing type was already reported; the validator only sees the default (send) and would ask for its template.
            if (request.Action?.Type is null && path.StartsWith(prefix + "action.", StringComparison.Ordinal))
            {
                continue;
            }

            errors[path] = errors.TryGetValue(path, out var before) ? [.. before, .. messages] : messages;
        }

        return (rule, errors);
    }

    private static string? Alias(string? value, string? alias, string aliasPath, string name, Dictionary<string, string[]> errors)
    {
        if (value is not null && alias is not null && value != alias)
        {
            errors[aliasPath] = [$"{aliasPath[(aliasPath.LastIndexOf('.') + 1)..]} is another name for {name}, and the two disagree; give one."];
        }

        return value ?? alias;
    }
}

/// <summary>Rules written sparsely: only the members a condition, action or suppression uses.</summary>
internal static class RuleJson
{
    /// <summary>Leaves out nulls and defaults (<c>absent: false</c>); for conditions.</summary>
    public static readonly JsonSerializerOptions Sparse = Options(JsonIgnoreCondition.WhenWritingDefault);

    /// <summary>Leaves out nulls only; for actions (whose type <c>send</c> is the enum's default) and suppressions.</summary>
    public static readonly JsonSerializerOptions NoNulls = Options(JsonIgnoreCondition.WhenWritingNull);

    public static JsonElement Conditions(RuleConditions conditions) => JsonSerializer.SerializeToElement(conditions, Sparse);

    private static JsonSerializerOptions Options(JsonIgnoreCondition ignore)
    {
        var options = new JsonSerializerOptions();
        Infrastructure.ApiExtensions.ConfigureJson(options);
        options.DefaultIgnoreCondition = ignore;
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
