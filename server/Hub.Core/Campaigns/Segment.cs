using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>A saved audience: the contacts that match its filter, evaluated when a campaign runs.</summary>
public sealed class Segment : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public SegmentFilter Filter { get; set; } = new();

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
