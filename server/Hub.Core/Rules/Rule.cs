using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>When an event matches, what to send, on which channel, and how often at most.</summary>
public sealed class Rule : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower runs first.</summary>
    public int Order { get; set; }

    public required string EventType { get; set; }

    /// <summary>Conditions over event properties and user traits, as JSON.</summary>
    public string Conditions { get; set; } = "[]";

    /// <summary>What to do, as JSON (template, channel, category).</summary>
    public string Action { get; set; } = "{}";

    /// <summary><c>none</c>, <c>once_ever</c>, <c>once_per_calendar_day</c> or <c>max:N/window</c>.</summary>
    public string Suppression { get; set; } = "none";

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
