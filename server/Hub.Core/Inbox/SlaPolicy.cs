using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>How fast a workspace promises to answer and resolve conversations of one priority.</summary>
public sealed class SlaPolicy : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Priority Priority { get; set; }

    public TimeSpan FirstResponseTarget { get; set; }

    public TimeSpan ResolutionTarget { get; set; }

    /// <summary>Warn when this fraction of a target has passed (e.g. 0.8).</summary>
    public double WarnAt { get; set; } = 0.8;
}
