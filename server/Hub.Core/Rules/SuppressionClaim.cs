using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>
/// The record that a rule acted for a user in a period. The unique key (workspace, rule, user, period) is the
/// suppression check: inserting the claim IS the check, so two parallel events cannot both pass.
/// </summary>
public sealed class SuppressionClaim : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid RuleId { get; set; }

    public required string UserId { get; set; }

    /// <summary><c>ever</c>, <c>day:2026-11-30</c> (the user's calendar day) or <c>w:{windowStart}:{slot}</c>.</summary>
    public required string PeriodKey { get; set; }

    public Guid EventId { get; set; }

    public DateTimeOffset ClaimedAt { get; set; }
}
