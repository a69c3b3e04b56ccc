using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>
/// A thread between a contact and the workspace on one channel. Its status, snooze, resolution time and assignee
/// are set when it is created and afterwards only through <see cref="Reopen"/>, <see cref="Snooze"/>,
/// <see cref="Resolve"/>, <see cref="MarkPending"/>, <see cref="Assign"/> and <see cref="Unassign"/>, so each
/// transition keeps them consistent in one place (a reopened conversation is never still snoozed or resolved).
/// </summary>
public sealed class Conversation : IWorkspaceOwned
{
    // Backing fields: EF Core reads and writes them by convention, and the init-only properties leave the
    // methods below as the only way to change them after construction.
    private ConversationStatus _status = ConversationStatus.Open;
    private Guid? _assigneeId;
    private DateTimeOffset? _resolvedAt;
    private DateTimeOffset? _snoozedUntil;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ContactId { get; set; }

    public Guid? ChannelId { get; set; }

    public ChannelType ChannelType { get; set; }

    public ConversationStatus Status { get => _status; init => _status = value; }

    public Priority Priority { get; set; } = Priority.Normal;

    public Guid? AssigneeId { get => _assigneeId; init => _assigneeId = value; }

    public string? Team { get; set; }

    public string? Subject { get; set; }

    public List<string> Labels { get; set; } = [];

    /// <summary>Channel key that finds the thread again: email thread root, phone pair, chat session.</summary>
    public string? ThreadKey { get; set; }

    public int MessageCount { get; set; }

    public DateTimeOffset? LastMessageAt { get; set; }

    public DateTimeOffset? FirstResponseAt { get; set; }

    public DateTimeOffset? ResolvedAt { get => _resolvedAt; init => _resolvedAt = value; }

    /// <summary>When a snoozed conversation comes back; set only while <see cref="Status"/> is snoozed.</summary>
    public DateTimeOffset? SnoozedUntil { get => _snoozedUntil; init => _snoozedUntil = value; }

    /// <summary>SLA deadlines, set from the workspace's policy for the conversation's priority.</summary>
    public DateTimeOffset? FirstResponseDueAt { get; set; }

    public DateTimeOffset? ResolutionDueAt { get; set; }

    public DateTimeOffset? SlaWarnedAt { get; set; }

    public DateTimeOffset? SlaBreachedAt { get; set; }

    /// <summary>Messages from the contact no agent has read yet.</summary>
    public int UnreadCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Back to the agents' open queue from any other status; returns whether anything changed.</summary>
    public bool Reopen() => _status != ConversationStatus.Open && Become(ConversationStatus.Open);

    /// <summary>
    /// A new message on the thread (the contact writing, an agent replying) brings a resolved or snoozed conversation
    /// back; a pending one stays pending, as it waits on someone's triage either way. Returns whether it reopened.
    /// </summary>
    public bool ReopenOnNewMessage() =>
        _status is ConversationStatus.Resolved or ConversationStatus.Snoozed && Reopen();

    /// <summary>Out of the queue until <paramref name="until"/>; snoozing again moves the time.</summary>
    public bool Snooze(DateTimeOffset until) =>
        !(_status == ConversationStatus.Snoozed && _snoozedUntil == until) && Become(ConversationStatus.Snoozed, snoozedUntil: until);

    /// <summary>Done: resolved at <paramref name="now"/>. Returns false when it already was, so "resolved" events fire once.</summary>
    public bool Resolve(DateTimeOffset now) => _status != ConversationStatus.Resolved && Become(ConversationStatus.Resolved, resolvedAt: now);

    /// <summary>Waiting for triage (a bot, a form) before it counts as open.</summary>
    public bool MarkPending() => _status != ConversationStatus.Pending && Become(ConversationStatus.Pending);

    /// <summary>
    /// Moves to <paramref name="status"/> through the one method for it (what an agent's status menu does).
    /// A snooze needs <paramref name="snoozedUntil"/>. Returns whether anything changed.
    /// </summary>
    public bool MoveTo(ConversationStatus status, DateTimeOffset now, DateTimeOffset? snoozedUntil = null) => status switch
    {
        ConversationStatus.Open => Reopen(),
        ConversationStatus.Pending => MarkPending(),
        ConversationStatus.Snoozed => Snooze(snoozedUntil ?? throw new ArgumentNullException(nameof(snoozedUntil), "Snoozing needs a time to come back.")),
        ConversationStatus.Resolved => Resolve(now),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a conversation status."),
    };

    /// <summary>Hands the conversation to <paramref name="memberId"/>.</summary>
    public void Assign(Guid memberId)
    {
        if (memberId == Guid.Empty)
        {
            throw new ArgumentException("An assignee is a member's id.", nameof(memberId));
        }

        _assigneeId = memberId;
    }

    /// <summary>Back to the unassigned queue.</summary>
    public void Unassign() => _assigneeId = null;

    /// <summary>The one place the status moves: only a resolved conversation has a resolution time, only a snoozed one a snooze.</summary>
    private bool Become(ConversationStatus status, DateTimeOffset? resolvedAt = null, DateTimeOffset? snoozedUntil = null)
    {
        _status = status;
        _resolvedAt = resolvedAt;
        _snoozedUntil = snoozedUntil;
        return true;
    }
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
