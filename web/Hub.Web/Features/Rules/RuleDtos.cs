using System.Text.Json;

namespace Hub.Web.Features.Rules;

/// <summary>A rule as <c>GET /api/v1/rules</c> lists it; conditions, action and suppression stay JSON for the editor.</summary>
public sealed record RuleDto(
    Guid Id, string Name, string? Description, int Order, bool Enabled, string EventType,
    JsonElement Conditions, JsonElement Action, JsonElement Suppression, bool Continue, DateTimeOffset UpdatedAt);

/// <summary>What <c>POST /api/v1/rules/import</c> answers.</summary>
public sealed record RuleImportDto(int Created, int Updated, int Deleted);

/// <summary>One decision of the audit trail (<c>GET /api/v1/audit/{user_id}</c>).</summary>
public sealed record DecisionDto(
    Guid Id, Guid EventId, string EventType, DateTimeOffset EventTimestamp, string? MatchedRule, string? ActionType,
    string? TemplateName, string? Channel, string Outcome, string Reason, Guid? MessageId, DateTimeOffset? ScheduledFor,
    DateTimeOffset DecisionTimestamp);

/// <summary>A user's decision history, newest first.</summary>
public sealed record AuditDto(string UserId, IReadOnlyList<DecisionDto> Decisions, string? NextCursor);
