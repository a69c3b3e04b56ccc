using Hub.Core.Channels;

namespace Hub.Core.Delivery;

/// <summary>
/// A channel adapter's outbound side: sends one message through its provider. Delivery workers call it
/// for every claimed outbox row; it must not retry by itself (the pipeline does, with backoff), and it
/// passes <see cref="OutboundEnvelope.IdempotencyKey"/> to the provider where the provider has such a field.
/// </summary>
public interface IChannelSender
{
    /// <summary>The channel types this sender carries (e.g. Sms and WhatsApp for Twilio).</summary>
    IReadOnlyCollection<ChannelType> Channels { get; }

    /// <summary>The provider name a channel row names in <see cref="Channel.Provider"/> (<c>smtp</c>, <c>twilio</c>…).</summary>
    string Provider { get; }

    Task<SendResult> SendAsync(OutboundEnvelope message, CancellationToken cancellationToken);
}

/// <summary>Everything a provider needs to send one message; built by the delivery pipeline.</summary>
public sealed record OutboundEnvelope
{
    public required Guid MessageId { get; init; }

    public required Guid WorkspaceId { get; init; }

    public required ChannelType Channel { get; init; }

    /// <summary>The channel row's provider settings (host, account SID…), secrets included.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    /// <summary>The sender: an email address, a phone number (E.164), <c>whatsapp:+…</c>, or a Messaging Service SID.</summary>
    public required string From { get; init; }

    public string? FromName { get; init; }

    /// <summary>The recipient's address on this channel.</summary>
    public required string To { get; init; }

    public string? ToName { get; init; }

    public string? Subject { get; init; }

    public required string Text { get; init; }

    public string? Html { get; init; }

    public IReadOnlyList<Inbox.Attachment> Attachments { get; init; } = [];

    /// <summary>Stable per message: a resend after a crash carries the same key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Email threading: the provider id of the message this replies to, and the thread's ids.</summary>
    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Extra headers, e.g. <c>List-Unsubscribe</c> on marketing mail.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the provider should post status callbacks for this message, if it supports them.</summary>
    public Uri? StatusCallback { get; init; }
}

/// <summary>What happened to one send attempt.</summary>
public sealed record SendResult(SendOutcome Outcome, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static SendResult Sent(string? providerMessageId) => new(SendOutcome.Sent, providerMessageId);

    /// <summary>Worth trying again later (timeouts, 429, 5xx, SMTP 4xx).</summary>
    public static SendResult Transient(string error, TimeSpan? retryAfter = null) => new(SendOutcome.TransientFailure, Error: error, RetryAfter: retryAfter);

    /// <summary>Will never work as it is (bad number, unknown mailbox, SMTP 5xx): no retry.</summary>
    public static SendResult Permanent(string error) => new(SendOutcome.PermanentFailure, Error: error);

    /// <summary>
    /// The request may have reached the provider but its answer did not come back (timed out, connection lost after
    /// sending): sending again could send twice. A provider that can be asked (<see cref="IDeliveryLookup"/>) is asked
    /// first; otherwise it is retried as a transient failure.
    /// </summary>
    public static SendResult InDoubt(string error) => new(SendOutcome.InDoubt, Error: error);
}

/// <summary>The three ways a send attempt ends.</summary>
public enum SendOutcome
{
    Sent,
    TransientFailure,
    PermanentFailure,

    /// <summary>Sent or not, unknown: see <see cref="SendResult.InDoubt"/>.</summary>
    InDoubt,
}
