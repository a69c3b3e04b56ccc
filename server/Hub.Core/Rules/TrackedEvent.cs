using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>Something a customer's system told Hub a user did (<c>POST /api/v1/events</c>).</summary>
public sealed class TrackedEvent : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The customer's user id.</summary>
    public required string UserId { get; set; }

    public required string EventType { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Dictionary<string, JsonElement> Properties { get; set; } = [];

    public DateTimeOffset ReceivedAt { get; set; }
}
