using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Notifications;

namespace Hub.Core.Realtime;

/// <summary>A message as pushed to agents and end users (<c>message.received</c>, <c>message.updated</c>).</summary>
public sealed record MessagePayload(
    Guid Id,
    Guid ConversationId,
    ChannelType Channel,
    MessageDirection Direction,
    MessageStatus Status,
    SenderType SenderType,
    string? SenderId,
    string Text,
    string? Html,
    IReadOnlyList<Attachment> Attachments,
    double? SentimentScore,
    string? SentimentLabel,
    string? Intent,
    double? IntentConfidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? ReadAt)
{
    public static MessagePayload From(Message m) => new(
        m.Id, m.ConversationId, m.ChannelType, m.Direction, m.Status, m.SenderType, m.SenderId, m.Text, m.Html,
        m.Attachments, m.SentimentScore, m.SentimentLabel, m.Intent, m.IntentConfidence, m.CreatedAt, m.DeliveredAt, m.ReadAt);
}

/// <summary>A conversation's state as pushed to agents and its contact (<c>conversation.updated</c>).</summary>
public sealed record ConversationPayload(
    Guid Id,
    Guid ContactId,
    ChannelType Channel,
    ConversationStatus Status,
    Priority Priority,
    Guid? AssigneeId,
    string? Team,
    string? Subject,
    IReadOnlyList<string> Labels,
    int MessageCount,
    DateTimeOffset? LastMessageAt,
    DateTimeOffset UpdatedAt)
{
    public static ConversationPayload From(Conversation c) => new(
        c.Id, c.ContactId, c.ChannelType, c.Status, c.Priority, c.AssigneeId, c.Team, c.Subject, c.Labels,
        c.MessageCount, c.LastMessageAt, c.UpdatedAt);
}

/// <summary><c>inbox.sla.warning</c> / <c>inbox.sla.breach</c>: a conversation nears or passed a target (<c>first_response</c> or <c>resolution</c>).</summary>
public sealed record SlaAlert(Guid ConversationId, string Target, DateTimeOffset DueAt, Guid? AssigneeId);

/// <summary><c>inbox.mention</c>: a colleague mentioned you in a private note.</summary>
public sealed record MentionNotice(Guid ConversationId, Guid MessageId, string? ByMemberId, string Excerpt);

/// <summary><c>typing.indicator</c>: someone started or stopped typing in a conversation.</summary>
public sealed record TypingIndicator(Guid ConversationId, string UserId, bool IsTyping);

/// <summary><c>presence.changed</c>: someone came online, went away or left.</summary>
public sealed record PresenceChanged(string UserId, PresenceStatus Status);

/// <summary><c>conversation.viewers</c>: the agents who have a conversation open right now.</summary>
public sealed record ConversationViewers(Guid ConversationId, IReadOnlyList<Viewer> Viewers);

/// <summary>An agent looking at a conversation.</summary>
public sealed record Viewer(Guid MemberId, string Name);

/// <summary>
/// <c>notification.push</c>: the product's PushNotificationMessage, field for field (snake_case, as the
/// spec writes it).
/// </summary>
public sealed record PushNotificationMessage(
    [property: JsonPropertyName("notification_id")] Guid NotificationId,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("data")] IReadOnlyDictionary<string, object?> Data,
    [property: JsonPropertyName("priority")] string Priority,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static PushNotificationMessage From(Notification n, string userId) => new(
        n.Id, userId, n.Title, n.Body, PlainData.From(n.Data), n.Priority.ToString().ToLowerInvariant(), n.CreatedAt);
}

/// <summary><c>stream.resync</c>: the client missed more than the stream keeps; reload state over REST.</summary>
public sealed record ResyncRequired(string Stream, long OldestAvailableSeq, long LastSeq);

// ---- client → server ----

/// <summary><c>message.send</c>. End users may leave out the conversation: their chat conversation is used or opened.</summary>
public sealed record SendMessageRequest(Guid? ConversationId, string Content);

/// <summary><c>typing.start</c> / <c>typing.stop</c>, and <c>conversation.view</c> / <c>conversation.leave</c>.</summary>
public sealed record ConversationRef(Guid ConversationId);

/// <summary><c>presence.update</c>.</summary>
public sealed record PresenceUpdate(PresenceStatus Status);

/// <summary><c>message.read</c>: a read receipt for a message and every earlier one in its conversation.</summary>
public sealed record ReadReceipt(Guid ConversationId, Guid MessageId);

/// <summary><c>notification.ack</c>: a device received a push (stops its email/SMS fallback), or the user opened or clicked it.</summary>
public sealed record NotificationAck(Guid NotificationId, string Action);

/// <summary><c>notification.read</c>: mark one, or with no id every, notification read.</summary>
public sealed record NotificationReadRequest(Guid? NotificationId);

/// <summary><c>notification.list</c>.</summary>
public sealed record NotificationListRequest(bool UnreadOnly = false, int Limit = 50);

/// <summary>The answer to <c>notification.list</c>: newest first, and how many are unread in all.</summary>
public sealed record NotificationList(IReadOnlyList<PushNotificationMessage> Items, int UnreadCount);

/// <summary><c>stream.resume</c>: replay what came after <see cref="AfterSeq"/> (0 = everything kept).</summary>
public sealed record ResumeRequest(long AfterSeq);

/// <summary>
/// The answer to <c>stream.resume</c>, after every missed event has been sent: the stream, its last
/// sequence, how many events were replayed, and whether the client must reload (too far behind).
/// </summary>
public sealed record ResumeResult(string Stream, long LastSeq, int Replayed, bool ResyncRequired);

/// <summary>The answer to <c>message.send</c>.</summary>
public sealed record SendMessageResult(Guid ConversationId, Guid MessageId, long Seq);
