using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>A named audience: contacts that match a filter expression, evaluated when a campaign runs.</summary>
public sealed class Segment : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>The filter, as JSON conditions over contact fields and attributes.</summary>
    public string Filter { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
