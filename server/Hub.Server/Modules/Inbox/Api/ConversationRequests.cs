using System.ComponentModel.DataAnnotations;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>A conversation in a list or on its own.</summary>
public sealed record ConversationResponse(
    Guid Id, Guid ContactId, string? ContactName, Guid? ChannelId, ChannelType Channel, ConversationStatus Status, Priority Priority,
    Guid? AssigneeId, string? Team, string? Subject, IReadOnlyList<string> Labels, int MessageCount, int UnreadCount,
    DateTimeOffset? LastMessageAt, DateTimeOffset? FirstResponseAt, DateTimeOffset? ResolvedAt, DateTimeOffset? SnoozedUntil,
    DateTimeOffset? FirstResponseDueAt, DateTimeOffset? ResolutionDueAt, DateTimeOffset? SlaBreachedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ConversationResponse From(Conversation c, string? contactName) => new(
        c.Id, c.ContactId, contactName, c.ChannelId, c.ChannelType, c.Status, c.Priority, c.AssigneeId, c.Team, c.Subject, c.Labels,
        c.MessageCount, c.UnreadCount, c.LastMessageAt, c.FirstResponseAt, c.ResolvedAt, c.SnoozedUntil, c.FirstResponseDueAt,
        c.ResolutionDueAt, c.SlaBreachedAt, c.CreatedAt, c.UpdatedAt);
}

/// <summary>A message as the API shows it, with its delivery state when it went through the outbox.</summary>
public sealed record MessageResponse(
    Guid Id, Guid ConversationId, ChannelType Channel, MessageDirection Direction, MessageStatus Status, SenderType SenderType,
    string? SenderId, string? Address, string? Subject, string Text, string? Html, IReadOnlyList<Attachment> Attachments,
    IReadOnlyList<Guid> Mentions, double? SentimentScore, string? SentimentLabel, string? Intent, double? IntentConfidence,
    string? ExternalId, string? FailureReason, OutboxState? Delivery, int? DeliveryAttempts,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt)
{
    public static MessageResponse From(Message m, OutboxEntry? outbox = null) => new(
        m.Id, m.ConversationId, m.ChannelType, m.Direction, m.Status, m.SenderType, m.SenderId, m.Address, m.Subject, m.Text, m.Html,
        m.Attachments, m.Mentions, m.SentimentScore, m.SentimentLabel, m.Intent, m.IntentConfidence, m.ExternalId, m.FailureReason,
        outbox?.State, outbox?.Attempts, m.CreatedAt, m.SentAt, m.DeliveredAt, m.ReadAt);
}

/// <summary>Opens a conversation with a contact on a channel, optionally with a first outbound message.</summary>
public sealed record CreateConversationRequest(
    [property: Required] Guid? ContactId,
    ChannelType? Channel,
    Guid? ChannelId,
    [property: MaxLength(998)] string? Subject,
    [property: MaxLength(100_000)] string? Message,
    Priority? Priority,
    [property: MaxLength(100)] string? Team,
    [property: MaxLength(20)] List<string>? Labels);

/// <summary>Changes a conversation: only the fields present change. <c>unassign: true</c> removes the assignee.</summary>
public sealed record UpdateConversationRequest(
    ConversationStatus? Status,
    Priority? Priority,
    Guid? AssigneeId,
    bool? Unassign,
    [property: MaxLength(100)] string? Team,
    [property: MaxLength(20)] List<string>? Labels,
    [property: MaxLength(998)] string? Subject,
    DateTimeOffset? SnoozedUntil);

/// <summary>Assigns to a member, or with no member id, automatically (round-robin among online agents of the team).</summary>
public sealed record AssignRequest(Guid? AssigneeId);

/// <summary>
/// A reply or, with <c>private: true</c>, an internal note (@mentions notify members). <c>channel</c> replies on another
/// channel than the conversation's (email, sms, whatsapp: to the contact's address there); left out, the conversation's.
/// </summary>
public sealed record SendMessageBody(
    [property: Required, MinLength(1), MaxLength(100_000)] string Content,
    [property: MaxLength(1_000_000)] string? Html,
    bool? Private,
    List<Guid>? Mentions,
    ChannelType? Channel = null);

/// <summary><c>POST /api/v1/messages</c>, as in the product spec: a message into a conversation.</summary>
public sealed record PostMessageRequest(
    [property: Required] Guid? ConversationId,
    [property: Required, MinLength(1), MaxLength(100_000)] string Content,
    [property: MaxLength(1_000_000)] string? Html,
    bool? Private,
    List<Guid>? Mentions);
