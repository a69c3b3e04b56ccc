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

    /// <summary>Only conversations of this team (<c>null</c>: any team).</summary>
    public string? Team { get; set; }

    /// <summary>Only conversations on this channel (<c>null</c>: any channel).</summary>
    public Guid? ChannelId { get; set; }

    /// <summary>Count only the workspace's business hours towards the targets.</summary>
    public bool BusinessHoursOnly { get; set; }

    /// <summary>Whether this policy speaks for <paramref name="conversation"/>.</summary>
    public bool Covers(Conversation conversation) =>
        conversation.Priority == Priority
        && (Team is null || string.Equals(Team, conversation.Team, StringComparison.OrdinalIgnoreCase))
        && (ChannelId is null || ChannelId == conversation.ChannelId);

    /// <summary>Among the policies that cover a conversation the most specific wins: team and channel, team, channel, any.</summary>
    public int Specificity => (Team is null ? 0 : 2) + (ChannelId is null ? 0 : 1);

    /// <summary>Warn when this fraction of a target has passed (e.g. 0.8).</summary>
    public double WarnAt { get; set; } = 0.8;
}
