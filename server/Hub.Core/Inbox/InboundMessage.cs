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

    /// <summary>
    /// The provider's id: the email Message-ID, the Twilio MessageSid. Re-delivery of the same id is ignored.
    /// Null where the channel has none (a chat message arrives once, over the sender's own connection).
    /// </summary>
    public required string? ExternalId { get; init; }

    /// <summary>The contact, when the channel has already identified them (a signed-in chat user); otherwise found by <see cref="From"/>.</summary>
    public Guid? ContactId { get; init; }

    /// <summary>The conversation the sender named (chat); it must be <see cref="ContactId"/>'s own.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Email threading headers.</summary>
    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Where an inbound message went.</summary>
/// <param name="ContactSeq">The message event's sequence number in the sender's own stream, on channels where the sender is connected (chat).</param>
public sealed record InboundResult(Guid ConversationId, Guid MessageId, bool NewConversation, bool Duplicate, long? ContactSeq = null);

/// <summary>Work of a channel's own that must commit, or fail, with the message it came with.</summary>
/// <param name="Stored">The stored message's conversation and id.</param>
public delegate Task InboundStep(InboundResult stored, CancellationToken cancellationToken);

/// <summary>The inbox's entry point for adapters.</summary>
public interface IInboundProcessor
{
    /// <summary>
    /// Stores <paramref name="message"/> (a re-delivery is a duplicate and changes nothing) and, in the same
    /// transaction, runs <paramref name="inTransaction"/> (Twilio's STOP/START consent).
    /// </summary>
    Task<InboundResult> ReceiveAsync(InboundMessage message, InboundStep? inTransaction, CancellationToken cancellationToken);
}

/// <summary>The common call: a message with nothing of the channel's own to save with it.</summary>
public static class InboundProcessorExtensions
{
    public static Task<InboundResult> ReceiveAsync(this IInboundProcessor processor, InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processor);
        return processor.ReceiveAsync(message, null, cancellationToken);
    }
}
