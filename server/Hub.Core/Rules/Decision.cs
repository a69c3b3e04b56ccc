using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>What Hub decided for one event and one rule, sent or not, and why: the audit trail.</summary>
public sealed class Decision : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid EventId { get; set; }

    public Guid? RuleId { get; set; }

    public required string UserId { get; set; }

    public DecisionOutcome Outcome { get; set; }

    public required string Reason { get; set; }

    public Guid? MessageId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}

/// <summary>Whether the rule sent something.</summary>
public enum DecisionOutcome
{
    Sent,
    Suppressed,
    Skipped,
    Failed,
}
