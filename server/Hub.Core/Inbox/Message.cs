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
