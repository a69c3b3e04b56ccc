using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Delivery;

/// <summary>An address Hub must not send to again on a channel: a hard bounce, an unsubscribed number, a STOP.</summary>
public sealed class Suppression : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public ChannelType Channel { get; set; }

    public required string Address { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
