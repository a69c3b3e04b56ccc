using System.Text.Json;
using Hub.Core.Rules;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>
/// A rule as it is written, in JSON or in a <c>rules.yaml</c> item (spec 004, "Rule Configuration"):
/// <c>name</c>, <c>description</c>, <c>enabled</c>, <c>trigger.event_type</c> (or <c>event_type</c>), <c>conditions</c>
/// (<c>all</c>/<c>any</c>), <c>action</c>, <c>suppression</c>, <c>continue</c>.
/// </summary>
public sealed record RuleRequest
{
    /// <summary>Unique in the workspace: 1 to 200 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Default true.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Lower runs first. On create, default after the last rule; on replace, default unchanged; ignored by imports (file position decides).</summary>
    public int? Order { get; init; }

    /// <summary>The event type that triggers the rule, as the spec writes it.</summary>
    public RuleTrigger? Trigger { get; init; }

    /// <summary>Shorthand for <c>trigger.event_type</c>.</summary>
    public string? EventType { get; init; }

    public RuleConditions? Conditions { get; init; }

    public RuleActionRequest? Action { get; init; }

    /// <summary>Default <c>{ mode: none }</c>.</summary>
    public RuleSuppression? Suppression { get; init; }

    /// <summary>After this rule matches, go on to the rules after it (default false: first match wins).</summary>
    public bool? Continue { get; init; }
}

/// <summary>What starts a rule.</summary>
public sealed record RuleTrigger
{
    public string? EventType { get; init; }
}

/// <summary>
/// What a matched rule does. <c>template_name</c> and <c>delivery_method</c> are the spec's names for <c>template</c> and
/// <c>channel</c>.
/// </summary>
public sealed record RuleActionRequest
{
    /// <summary><c>send</c>, <c>push</c>, <c>webhook</c> or <c>assign</c>.</summary>
    public RuleActionType? Type { get; init; }

    /// <summary>The template's name (send, push).</summary>
    public string? Template { get; init; }

    /// <summary>Alias of <see cref="Template"/>.</summary>
    public string? TemplateName { get; init; }

    /// <summary><c>email</c>, <c>sms</c> or <c>whatsapp</c> (send).</summary>
    public string? Channel { get; init; }

    /// <summary>Alias of <see cref="Channel"/>.</summary>
    public string? DeliveryMethod { get; init; }

    /// <summary>The preference category; default <c>updates</c>.</summary>
    public string? Category { get; init; }

    /// <summary><c>low</c>, <c>normal</c>, <c>high</c> or <c>critical</c> (push).</summary>
    public string? Priority { get; init; }

    /// <summary>Absolute http(s) URL (webhook).</summary>
    public string? Url { get; init; }

    /// <summary>A member's email, or <c>auto</c> (assign).</summary>
    public string? AssignTo { get; init; }
}

/// <summary>Changes a few things about a rule; only the fields present change.</summary>
public sealed record RulePatchRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public bool? Enabled { get; init; }

    public int? Order { get; init; }

    public bool? Continue { get; init; }
}

/// <summary>A stored rule. <c>conditions</c> shows only the members each condition uses.</summary>
public sealed record RuleResponse(
    Guid Id,
    string Name,
    string? Description,
    int Order,
    bool Enabled,
    string EventType,
    JsonElement Conditions,
    RuleAction Action,
    RuleSuppression Suppression,
    bool Continue,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static RuleResponse From(Rule r) => new(
        r.Id, r.Name, r.Description, r.Order, r.IsActive, r.EventType, RuleJson.Conditions(r.Conditions), r.Action, r.Suppression, r.Continue, r.CreatedAt, r.UpdatedAt);
}

/// <summary>What an import did.</summary>
/// <param name="Mode"><c>merge</c> or <c>replace</c>.</param>
/// <param name="Created">Rules the file added.</param>
/// <param name="Updated">Existing rules (same name) the file replaced.</param>
/// <param name="Deleted">Rules removed because the file did not list them (replace mode).</param>
/// <param name="Rules">The workspace's rules afterwards, in order.</param>
public sealed record RuleImportResult(string Mode, int Created, int Updated, int Deleted, IReadOnlyList<RuleResponse> Rules);
