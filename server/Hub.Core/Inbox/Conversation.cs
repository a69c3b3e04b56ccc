using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>A thread between a contact and the workspace on one channel.</summary>
public sealed class Conversation : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ContactId { get; set; }

    public Guid? ChannelId { get; set; }

    public ChannelType ChannelType { get; set; }

    public ConversationStatus Status { get; set; } = ConversationStatus.Open;

    public Priority Priority { get; set; } = Priority.Normal;

    public Guid? AssigneeId { get; set; }

    public string? Team { get; set; }

    public string? Subject { get; set; }

    public List<string> Labels { get; set; } = [];

    /// <summary>Channel key that finds the thread again: email thread root, phone pair, chat session.</summary>
    public string? ThreadKey { get; set; }

    public int MessageCount { get; set; }

    public DateTimeOffset? LastMessageAt { get; set; }

    public DateTimeOffset? FirstResponseAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? SnoozedUntil { get; set; }

    /// <summary>SLA deadlines, set from the workspace's policy for the conversation's priority.</summary>
    public DateTimeOffset? FirstResponseDueAt { get; set; }

    public DateTimeOffset? ResolutionDueAt { get; set; }

    public DateTimeOffset? SlaWarnedAt { get; set; }

    public DateTimeOffset? SlaBreachedAt { get; set; }

    /// <summary>Messages from the contact no agent has read yet.</summary>
    public int UnreadCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where a conversation stands in the agents' workflow.</summary>
public enum ConversationStatus
{
    Open,
    Pending,
    Snoozed,
    Resolved,
}

/// <summary>How urgent a conversation or message is.</summary>
public enum Priority
{
    Low,
    Normal,
    High,
    Urgent,
}
