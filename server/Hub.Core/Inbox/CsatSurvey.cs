using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>
/// One CSAT question asked after a conversation was resolved, on the conversation's channel, and its answer.
/// At most one survey per conversation is open (unanswered, not closed, not expired) at a time: resolving again
/// while one is open asks nothing new. A reply that is just a score (1–5) answers it; any other reply closes it.
/// </summary>
public sealed class CsatSurvey : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ConversationId { get; set; }

    public Guid ContactId { get; set; }

    public ChannelType ChannelType { get; set; }

    /// <summary>The agent credited: the conversation's assignee when resolved, else the member who resolved it.</summary>
    public Guid? AgentId { get; set; }

    /// <summary>The conversation's team when resolved.</summary>
    public string? Team { get; set; }

    /// <summary>The member who resolved the conversation (null for an API key).</summary>
    public Guid? ResolvedBy { get; set; }

    /// <summary>The question as sent (a message of the conversation).</summary>
    public Guid QuestionMessageId { get; set; }

    public DateTimeOffset AskedAt { get; set; }

    /// <summary>A score after this time is not taken.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>1 (poor) to 5 (great); null until answered.</summary>
    public int? Score { get; set; }

    public DateTimeOffset? RespondedAt { get; set; }

    public Guid? ResponseMessageId { get; set; }

    /// <summary>When a reply that was not a score ended the survey (the conversation reopened).</summary>
    public DateTimeOffset? ClosedAt { get; set; }
}
