using System.Text.Json;

namespace Hub.Core.Rules;

/// <summary>
/// When a rule fires: every condition of <see cref="All"/> holds and, if <see cref="Any"/> has items, at least
/// one of them does. Empty conditions always hold.
/// </summary>
public sealed class RuleConditions
{
    public List<RuleCondition> All { get; set; } = [];

    public List<RuleCondition> Any { get; set; } = [];
}

/// <summary>
/// One condition: a field test (<see cref="Field"/> + <see cref="Operator"/> + <see cref="Value"/>, fields
/// <c>properties.*</c>, <c>traits.*</c> or <c>user.*</c>), a prior-event test (<see cref="PriorEvent"/>
/// within <see cref="Within"/> before this event; <see cref="Absent"/> inverts it), or a nested group.
/// </summary>
public sealed class RuleCondition
{
    public string? Field { get; set; }

    public ConditionOperator? Operator { get; set; }

    public JsonElement? Value { get; set; }

    /// <summary>An event type the same user must have sent before this event.</summary>
    public string? PriorEvent { get; set; }

    /// <summary>How long before this event the prior event may be: <c>30m</c>, <c>24h</c>, <c>7d</c>. Null: any time.</summary>
    public string? Within { get; set; }

    /// <summary>True: the condition holds when there was NO such prior event in the window.</summary>
    public bool Absent { get; set; }

    public List<RuleCondition>? All { get; set; }

    public List<RuleCondition>? Any { get; set; }
}

/// <summary>How a field is compared.</summary>
public enum ConditionOperator
{
    Equals,
    NotEquals,
    In,
    Gt,
    Lt,
    Exists,
    Contains,
}

/// <summary>What a matched rule does.</summary>
public sealed class RuleAction
{
    public RuleActionType Type { get; set; }

    /// <summary>The template's name (send and push).</summary>
    public string? Template { get; set; }

    /// <summary>For <see cref="RuleActionType.Send"/>: <c>email</c>, <c>sms</c> or <c>whatsapp</c>.</summary>
    public string? Channel { get; set; }

    /// <summary>The preference category the message belongs to; default <c>updates</c>.</summary>
    public string Category { get; set; } = "updates";

    /// <summary>Push priority (<c>low</c>, <c>normal</c>, <c>high</c>, <c>critical</c>).</summary>
    public string? Priority { get; set; }

    /// <summary>For <see cref="RuleActionType.Webhook"/>: where to POST the event (https in production).</summary>
    public string? Url { get; set; }

    /// <summary>For <see cref="RuleActionType.Assign"/>: the member's email, or <c>auto</c> for round robin.</summary>
    public string? AssignTo { get; set; }
}

/// <summary>The kinds of action a rule can take.</summary>
public enum RuleActionType
{
    /// <summary>Render a template and send it on a channel (email, SMS, WhatsApp) through the outbox.</summary>
    Send,

    /// <summary>Render a template as a push notification to the user's devices (kept in-app if offline).</summary>
    Push,

    /// <summary>POST the event to a URL, signed with the workspace's webhook secret.</summary>
    Webhook,

    /// <summary>Assign the user's open conversation to a member.</summary>
    Assign,
}

/// <summary>How often a rule may act for one user; checked and recorded in one atomic step.</summary>
public sealed class RuleSuppression
{
    public SuppressionMode Mode { get; set; } = SuppressionMode.None;

    /// <summary>For <see cref="SuppressionMode.MaxPerWindow"/>: how many times per window.</summary>
    public int? Max { get; set; }

    /// <summary>For <see cref="SuppressionMode.MaxPerWindow"/>: the window, e.g. <c>1h</c>, <c>7d</c> (fixed windows aligned to the epoch).</summary>
    public string? Window { get; set; }
}

/// <summary>The suppression modes.</summary>
public enum SuppressionMode
{
    None,
    OnceEver,

    /// <summary>At most once per calendar day in the user's time zone (UTC when they have none).</summary>
    OncePerCalendarDay,
    MaxPerWindow,
}
