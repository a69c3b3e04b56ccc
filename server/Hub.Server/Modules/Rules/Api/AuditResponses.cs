using Hub.Core.Rules;

namespace Hub.Server.Modules.Rules.Api;

/// <summary>One decision, as the audit trail explains it.</summary>
public sealed record DecisionResponse(
    Guid Id,
    Guid EventId,
    string EventType,
    DateTimeOffset EventTimestamp,
    string? MatchedRule,
    Guid? RuleId,
    RuleActionType? ActionType,
    string? TemplateName,
    string? Channel,
    DecisionOutcome Outcome,
    string Reason,
    Guid? MessageId,
    Guid? NotificationId,
    DateTimeOffset? ScheduledFor,
    DateTimeOffset DecisionTimestamp)
{
    public static DecisionResponse From(Decision d) => new(
        d.Id, d.EventId, d.EventType, d.EventOccurredAt, d.RuleName, d.RuleId, d.ActionType, d.TemplateName, d.Channel, d.Outcome, d.Reason,
        d.MessageId, d.NotificationId, d.ScheduledFor, d.DecidedAt);
}

/// <summary>A user's decision history, newest first.</summary>
public sealed record AuditResponse(string UserId, IReadOnlyList<DecisionResponse> Decisions, string? NextCursor);
