using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>What Hub decided for one event (and, when one matched, one rule), sent or not, and why: the audit trail.</summary>
public sealed class Decision : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    public DateTimeOffset EventOccurredAt { get; set; }

    public required string UserId { get; set; }

    public Guid? ContactId { get; set; }

    /// <summary>The rule that matched; null when none did.</summary>
    public Guid? RuleId { get; set; }

    public string? RuleName { get; set; }

    public RuleActionType? ActionType { get; set; }

    public string? TemplateName { get; set; }

    /// <summary><c>email</c>, <c>sms</c>, <c>whatsapp</c>, <c>push</c>, <c>webhook</c>…</summary>
    public string? Channel { get; set; }

    public DecisionOutcome Outcome { get; set; }

    /// <summary>In words, for the person asking "why did (or didn't) this user get it?".</summary>
    public required string Reason { get; set; }

    /// <summary>The outbound message the decision queued (send actions).</summary>
    public Guid? MessageId { get; set; }

    /// <summary>The push notification the decision created (push actions).</summary>
    public Guid? NotificationId { get; set; }

    /// <summary>When a deferred send goes out (quiet hours).</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}

/// <summary>How a decision ended.</summary>
public enum DecisionOutcome
{
    /// <summary>The action was taken (queued for delivery, pushed, posted, assigned).</summary>
    Sent,

    /// <summary>Quiet hours: queued to go out when they end.</summary>
    Deferred,

    /// <summary>The rule's suppression said it already acted for this user in this period.</summary>
    Suppressed,

    /// <summary>The user's preferences (channel off, category opted out, unsubscribed) said no.</summary>
    SkippedByPreference,

    /// <summary>No channel could carry it: no address, no configured channel, unreachable.</summary>
    NoChannel,

    /// <summary>No active rule for the event type matched.</summary>
    NoRuleMatched,

    Error,
}
