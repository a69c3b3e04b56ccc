using System.Collections.Concurrent;
using Hub.Core.Channels;
using Hub.Core.Delivery;

namespace Hub.Server.Tests.Delivery;

/// <summary>
/// A provider stand-in for the pipeline's own tests (the real adapters are tested against real peers):
/// records every send, and can fail or hang on demand.
/// </summary>
public sealed class ScriptedSender : IChannelSender
{
    public const string ProviderName = "scripted";

    public ConcurrentQueue<Guid> Sent { get; } = new();

    public ConcurrentQueue<Guid> Started { get; } = new();

    /// <summary>Every envelope handed to the sender, as the pipeline built it.</summary>
    public ConcurrentQueue<OutboundEnvelope> Envelopes { get; } = new();

    /// <summary>The clock <see cref="SentAt"/> reads: the host's, when the test replaced it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>When each send was made (Unix milliseconds, on <see cref="Clock"/>), to check rate limits.</summary>
    public ConcurrentQueue<long> SentAt { get; } = new();

    /// <summary>Decides each attempt's outcome; sends by default.</summary>
    public Func<OutboundEnvelope, SendResult> Outcome { get; set; } = e => SendResult.Sent($"scripted-{e.MessageId:N}");

    /// <summary>The n-th send (1-based) never returns: the worker "dies" inside the provider call.</summary>
    public int? HangOnAttempt { get; set; }

    /// <summary>The message that hung.</summary>
    public Guid? Hung { get; private set; }

    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<ChannelType> Channels { get; } = [ChannelType.Email, ChannelType.Sms, ChannelType.WhatsApp];

    public string Provider => ProviderName;

    public async Task<SendResult> SendAsync(OutboundEnvelope message, CancellationToken cancellationToken)
    {
        Started.Enqueue(message.MessageId);
        Envelopes.Enqueue(message);
        if (Started.Count == HangOnAttempt)
        {
            Hung = message.MessageId;
            Hanging.TrySetResult();
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }

        var outcome = Outcome(message);
        if (outcome.Outcome == SendOutcome.Sent)
        {
            Sent.Enqueue(message.MessageId);
            SentAt.Enqueue(Clock.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return outcome;
    }
}
