using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>
/// When an event of <see cref="EventType"/> arrives and the conditions hold, take the action, at most as often as
/// the suppression allows. Rules run in <see cref="Order"/>; the first match wins unless it says <see cref="Continue"/>.
/// </summary>
public sealed class Rule : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>Unique in the workspace; how the audit and YAML name the rule.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>Lower runs first.</summary>
    public int Order { get; set; }

    public required string EventType { get; set; }

    public RuleConditions Conditions { get; set; } = new();

    public RuleAction Action { get; set; } = new();

    public RuleSuppression Suppression { get; set; } = new();

    /// <summary>After this rule matches, go on evaluating the rules after it.</summary>
    public bool Continue { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
