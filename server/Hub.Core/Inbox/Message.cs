using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>One message in a conversation: inbound from a contact, outbound to one, or a private note.</summary>
public sealed class Message : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ConversationId { get; set; }

    public Guid? ChannelId { get; set; }

    public ChannelType ChannelType { get; set; }

    public MessageDirection Direction { get; set; }

    public MessageStatus Status { get; set; } = MessageStatus.Queued;

    public SenderType SenderType { get; set; }

    /// <summary>The member, contact or system component that wrote the message.</summary>
    public string? SenderId { get; set; }

    public required string Text { get; set; }

    public string? Html { get; set; }

    public List<Attachment> Attachments { get; set; } = [];

    /// <summary>Members @mentioned in a private note.</summary>
    public List<Guid> Mentions { get; set; } = [];

    /// <summary>The address the message came from or goes to on its channel.</summary>
    public string? Address { get; set; }

    public string? Subject { get; set; }

    /// <summary>Sentiment score in [-1, 1], filled by the classifier.</summary>
    public double? SentimentScore { get; set; }

    public string? SentimentLabel { get; set; }

    public string? Intent { get; set; }

    public double? IntentConfidence { get; set; }

    /// <summary>Provider id of the message (SMTP Message-ID, Twilio SID…).</summary>
    public string? ExternalId { get; set; }

    /// <summary>Makes re-sends and re-deliveries of the same message harmless.</summary>
    public string? IdempotencyKey { get; set; }

    public string? FailureReason { get; set; }

    public Dictionary<string, JsonElement> Metadata { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }

    /// <summary>
    /// Moves the status forward (<see cref="MessageStatusRules.CanMove"/>); false, and nothing changes, when that
    /// would go backward or leave a final state (failed, bounced, read). Every status change goes through here.
    /// </summary>
    public bool MoveTo(MessageStatus status, DateTimeOffset now)
    {
        if (!MessageStatusRules.CanMove(Status, status))
        {
            return false;
        }

        Status = status;
        UpdatedAt = now;
        return true;
    }

    /// <summary>A delivery worker is handing the message to its provider.</summary>
    public bool MarkSending(DateTimeOffset now) => MoveTo(MessageStatus.Sending, now);

    /// <summary>The provider accepted the message as <paramref name="providerMessageId"/>.</summary>
    public bool MarkSent(string? providerMessageId, DateTimeOffset now)
    {
        // Kept even when the status can't move: the provider's callbacks find the message by it.
        ExternalId = providerMessageId ?? ExternalId;
        if (!MoveTo(MessageStatus.Sent, now))
        {
            return false;
        }

        SentAt = now;
        FailureReason = null;
        return true;
    }

    /// <summary>The provider delivered it (at <paramref name="deliveredAt"/>, its time; now when unknown).</summary>
    public bool MarkDelivered(DateTimeOffset now, DateTimeOffset? deliveredAt = null)
    {
        if (!MoveTo(MessageStatus.Delivered, now))
        {
            return false;
        }

        DeliveredAt ??= deliveredAt ?? now;
        return true;
    }

    /// <summary>
    /// The reader saw it: an agent an inbound message, the contact an outbound one (a read receipt or the provider's).
    /// A failed or bounced message never turns read; a read outbound message was evidently delivered.
    /// </summary>
    public bool MarkRead(DateTimeOffset now, DateTimeOffset? readAt = null)
    {
        if (Direction == MessageDirection.Note || !MoveTo(MessageStatus.Read, now))
        {
            return false;
        }

        if (Direction == MessageDirection.Outbound)
        {
            DeliveredAt ??= readAt ?? now;
        }

        ReadAt ??= readAt ?? now;
        return true;
    }

    /// <summary>Delivery gave up (or the provider reported it undelivered), for <paramref name="reason"/>.</summary>
    public bool MarkFailed(string? reason, DateTimeOffset now) => Fail(MessageStatus.Failed, reason, now);

    /// <summary>The recipient's server or carrier refused it for good.</summary>
    public bool MarkBounced(string? reason, DateTimeOffset now) => Fail(MessageStatus.Bounced, reason, now);

    /// <summary>
    /// A person retries a failed message by hand: back to queued, the one backward move the status model allows,
    /// and only from failed or bounced.
    /// </summary>
    public bool Requeue(DateTimeOffset now)
    {
        if (Status is not (MessageStatus.Failed or MessageStatus.Bounced))
        {
            return false;
        }

        Status = MessageStatus.Queued;
        FailureReason = null;
        UpdatedAt = now;
        return true;
    }

    private bool Fail(MessageStatus status, string? reason, DateTimeOffset now)
    {
        if (!MoveTo(status, now))
        {
            return false;
        }

        FailureReason = reason;
        return true;
    }
}

/// <summary>Which way a message goes.</summary>
public enum MessageDirection
{
    Inbound,
    Outbound,
    /// <summary>A private note between agents; never sent to the contact.</summary>
    Note,
}

/// <summary>
/// One status model for every message Hub carries. Outbound: queued → sending → sent → delivered → read,
/// or failed / bounced. Inbound messages are received (then read by an agent).
/// </summary>
public enum MessageStatus
{
    Queued,
    Sending,
    Sent,
    Delivered,
    Read,
    Failed,
    Bounced,
    Received,
}

/// <summary>Status moves forward only: a late "sent" callback never undoes "delivered".</summary>
public static class MessageStatusRules
{
    public static int Rank(MessageStatus status) => status switch
    {
        MessageStatus.Queued => 0,
        MessageStatus.Sending => 1,
        MessageStatus.Sent => 2,
        MessageStatus.Received => 2,
        MessageStatus.Delivered => 3,
        MessageStatus.Read => 4,
        // Failures end a message from any earlier state, but a read message was evidently delivered.
        MessageStatus.Failed => 3,
        MessageStatus.Bounced => 3,
        _ => 0,
    };

    public static bool CanMove(MessageStatus from, MessageStatus to) =>
        from != to && Rank(to) >= Rank(from) && from is not (MessageStatus.Failed or MessageStatus.Bounced or MessageStatus.Read);
}

/// <summary>Who wrote a message.</summary>
public enum SenderType
{
    Contact,
    Member,
    System,
    Bot,
}

/// <summary>Metadata of a file that came with or goes with a message (content is stored elsewhere).</summary>
public sealed record Attachment(string FileName, string ContentType, long Size, string? Url = null, string? ContentId = null);
