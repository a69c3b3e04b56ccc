using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Web.Features.Contacts;
using Hub.Web.Features.Inbox;

namespace Hub.Web.Tests.Inbox;

/// <summary>Conversations and messages as the API would answer them.</summary>
internal static class InboxData
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static ConversationItem Conversation(Guid id, string name, DateTimeOffset lastAt, ChannelType channel = ChannelType.Sms, int unread = 0, Guid? contactId = null) => new(
        id, contactId ?? Guid.NewGuid(), name, null, channel, ConversationStatus.Open, Priority.Normal, null, null, $"About {name}", [], 1, unread,
        lastAt, null, null, null, lastAt.AddHours(1), lastAt.AddDays(1), null, lastAt, lastAt);

    public static MessageItem Message(Guid conversationId, string text, MessageDirection direction, DateTimeOffset at, string? html = null,
        MessageStatus? status = null, string? senderId = null) => new(
        Guid.NewGuid(), conversationId, ChannelType.Sms, direction, status ?? (direction == MessageDirection.Inbound ? MessageStatus.Received : MessageStatus.Sent),
        direction == MessageDirection.Inbound ? SenderType.Contact : SenderType.Member, senderId, null, null, text, html, [],
        direction == MessageDirection.Inbound ? -0.6 : null, direction == MessageDirection.Inbound ? "negative" : null,
        direction == MessageDirection.Inbound ? "refund_request" : null, direction == MessageDirection.Inbound ? 0.82 : null, null, at, null, null);

    public static MessagePayload Payload(MessageItem m) => new(
        m.Id, m.ConversationId, m.Channel, m.Direction, m.Status, m.SenderType, m.SenderId, m.Text, m.Html, m.Attachments, m.SentimentScore,
        m.SentimentLabel, m.Intent, m.IntentConfidence, m.CreatedAt, m.DeliveredAt, m.ReadAt);

    public static ContactSummary Contact(Guid id, string first) => new(id, null, first, "Tester", null, "+14155550100", null, "en", true, T0);
}
