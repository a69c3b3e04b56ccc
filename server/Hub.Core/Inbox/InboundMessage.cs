using Hub.Core.Channels;

namespace Hub.Core.Inbox;

/// <summary>
/// A message from a customer, as a channel adapter hands it to the inbox: a Twilio webhook, an IMAP
/// fetch, a chat message. The inbox finds or opens the conversation, stores it, classifies it and pushes it.
/// </summary>
public sealed record InboundMessage
{
    public required Guid WorkspaceId { get; init; }

    /// <summary>The channel row it arrived on, when known (a mailbox, a number).</summary>
    public Guid? ChannelId { get; init; }

    public required ChannelType Channel { get; init; }

    /// <summary>The sender's address on the channel: an email address, an E.164 number, a chat user id.</summary>
    public required string From { get; init; }

    public string? FromName { get; init; }

    /// <summary>The address it was sent to (our mailbox or number).</summary>
    public string? To { get; init; }

    public string? Subject { get; init; }

    public required string Text { get; init; }

    public string? Html { get; init; }

    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>The provider's id: the email Message-ID, the Twilio MessageSid. Re-delivery of the same id is ignored.</summary>
    public required string ExternalId { get; init; }

    /// <summary>Email threading headers.</summary>
    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Where an inbound message went.</summary>
public sealed record InboundResult(Guid ConversationId, Guid MessageId, bool NewConversation, bool Duplicate);

/// <summary>The inbox's entry point for adapters.</summary>
public interface IInboundProcessor
{
    Task<InboundResult> ReceiveAsync(InboundMessage message, CancellationToken cancellationToken);
}
