using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// Sends one claimed outbox row: records the attempt first (so a crash can't lead to a silent second
/// send), calls the channel's adapter within its rate limit, then records the outcome: sent, retry later
/// with backoff and jitter, or dead-lettered with the reason.
/// </summary>
public sealed partial class DeliveryProcessor(
    HubDbContext db,
    UnitOfWork work,
    ScopedWorkspaceContext workspace,
    IEnumerable<IChannelSender> senders,
    IDeliveryRateLimiter rateLimiter,
    RealtimeBatch realtime,
    IEnumerable<IMessageStatusObserver> observers,
    IOptions<DeliveryOptions> options,
    ChannelSecrets secrets,
    TimeProvider clock,
    ILogger<DeliveryProcessor> logger)
{
    /// <summary>How far before the attempt's start a provider's record still counts (clock skew, whole seconds).</summary>
    private static readonly TimeSpan InDoubtClockSlack = TimeSpan.FromSeconds(30);

    /// <summary>Who holds a row parked until its provider is asked about it.</summary>
    private const string InDoubtHolder = "in-doubt";

    public async Task ProcessAsync(OutboxEntry claimed, string worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        workspace.Use(claimed.WorkspaceId);

        // Wait for the channel's rate before recording the attempt, so a long wait never looks like a dead worker.
        var limit = claimed.ChannelId is { } limitedChannel
            ? await db.Channels.AsNoTracking().Where(c => c.Id == limitedChannel).Select(c => c.RateLimitPerSecond).FirstOrDefaultAsync(cancellationToken)
            : 0;
        if (limit > 0)
        {
            await rateLimiter.WaitAsync($"channel:{claimed.ChannelId:N}", limit, cancellationToken);
        }

        // Everything that needs the database before the provider call is done while the row is still "pending" under
        // this worker's claim: a node that dies here leaves a row another worker sends once the claim runs out. Only
        // the provider call itself (and recording its answer) happens in "sending", the state that is in doubt after
        // a crash and is never re-sent blindly.
        var message = await db.Messages.FirstAsync(m => m.Id == claimed.MessageId, cancellationToken);
        var channel = claimed.ChannelId is { } channelId ? await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken) : null;
        var sender = channel is null ? null : senders.FirstOrDefault(s => s.Provider == channel.Provider && s.Channels.Contains(claimed.Channel));
        OutboundEnvelope? envelope = null;
        if (channel is not null && sender is not null)
        {
            message.MarkSending(clock.GetUtcNow());
            await SaveStatusAsync(message, cancellationToken);
            envelope = await EnvelopeAsync(message, channel, cancellationToken);
        }

        var now = clock.GetUtcNow();
        var leaseEnd = now + options.Value.Lease;
        var started = await db.Outbox.Where(o => o.Id == claimed.Id && o.LockedBy == worker && o.State == OutboxState.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.State, OutboxState.Sending)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.LockedUntil, leaseEnd)
                .SetProperty(o => o.UpdatedAt, now), cancellationToken);
        if (started == 0)
        {
            return; // the claim expired and another worker has the row
        }

        var entry = await db.Outbox.FirstAsync(o => o.Id == claimed.Id, cancellationToken);
        if (channel is null || sender is null || envelope is null)
        {
            await FinishAsync(entry, message, SendResult.Permanent(channel is null
                ? "The message's channel no longer exists."
                : $"No adapter for provider '{channel.Provider}' on {entry.Channel}."), cancellationToken);
            return;
        }

        // The provider call must end before the row's lease does: past the lease another worker settles the row as
        // "in doubt" (dead-lettered, for a worker that died), and a live worker stuck on a stalled server is not dead.
        // Adapters' own timeouts (an SMTP command may wait longer than the lease) don't know about the lease.
        var budget = leaseEnd - clock.GetUtcNow() - (options.Value.Lease / 5);
        using var callTimeout = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.FromMilliseconds(1), clock);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callTimeout.Token);
        SendResult result;
        try
        {
            result = await sender.SendAsync(envelope, call.Token);
        }
        catch (OperationCanceledException) when (callTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogCutOff(logger, channel.Provider, message.Id, budget.TotalSeconds);
            result = SendResult.InDoubt($"{channel.Provider} did not finish within {budget.TotalSeconds:0.#} s (the delivery lease); the call was cut off.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAdapterThrew(logger, ex, channel.Provider, message.Id);
            result = SendResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }

        if (result.Outcome == SendOutcome.InDoubt && sender is IDeliveryLookup)
        {
            await ParkInDoubtAsync(entry, channel.Provider, result.Error, now, cancellationToken);
            return;
        }

        await FinishAsync(entry, message, result, cancellationToken);
    }

    /// <summary>
    /// A call whose answer was lost (timed out, cut off, connection dropped after sending) to a provider that can be
    /// asked: the row stays "sending" (in doubt, never re-sent blindly) and is settled like a dead worker's row once a
    /// short backoff has passed — the provider is asked, then the message is recorded sent or sent again.
    /// </summary>
    private async Task ParkInDoubtAsync(OutboxEntry entry, string provider, string? error, DateTimeOffset attemptStarted, CancellationToken cancellationToken)
    {
        var askAt = clock.GetUtcNow() + Backoff(1, null);
        LogParkedInDoubt(logger, provider, entry.MessageId, askAt);
        entry.LockedBy = InDoubtHolder;
        entry.LockedUntil = askAt;
        entry.UpdatedAt = attemptStarted; // the window the provider is asked about starts here
        entry.LastError = $"{error} In doubt: {provider} will be asked whether it has the message before it is sent again.";
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Settles a row whose worker stopped mid-send (left "sending" past its lease). When the channel's adapter can ask
    /// its provider (<see cref="IDeliveryLookup"/>, e.g. Twilio), it does: a message the provider has is recorded as
    /// sent with the provider's id (the recipient got it once); one it surely does not have goes back to "pending"
    /// and is sent again. Otherwise (no lookup, or the provider could not be asked) the row is dead-lettered "in
    /// doubt" with the reason, never re-sent blindly.
    /// </summary>
    public async Task SettleInDoubtAsync(OutboxEntry stale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stale);
        workspace.Use(stale.WorkspaceId);
        var now = clock.GetUtcNow();
        var lease = options.Value.Lease;
        var channel = stale.ChannelId is { } channelId ? await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken) : null;
        var lookup = channel is null ? null
            : senders.FirstOrDefault(s => s.Provider == channel.Provider && s.Channels.Contains(stale.Channel)) as IDeliveryLookup;

        // Only one worker settles a row: it takes the row for one lease first (still "sending"; a reconciler that dies
        // leaves it for the next one once this lease runs out).
        var token = $"settle:{Guid.NewGuid():N}";
        var claimed = await db.Outbox.Where(o => o.Id == stale.Id && o.State == OutboxState.Sending && o.LockedUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, token).SetProperty(o => o.LockedUntil, now + lease), cancellationToken);
        if (claimed == 0)
        {
            return;
        }

        var message = await db.Messages.FirstAsync(m => m.Id == stale.MessageId, cancellationToken);
        var answer = lookup is null || channel is null
            ? null
            : await AskProviderAsync(lookup, message, channel, stale, cancellationToken);
        if (answer is { Answered: true })
        {
            var sid = await UnclaimedAsync(answer.ProviderMessageIds, stale.Id, cancellationToken);
            if (sid is not null)
            {
                var entry = await db.Outbox.FirstAsync(o => o.Id == stale.Id, cancellationToken);
                LogReconciledSent(logger, channel!.Provider, message.Id, sid);
                await FinishAsync(entry, message, SendResult.Sent(sid), cancellationToken);
                return;
            }

            // The provider answered after the dead worker's lease had run out and has no such message: the call never
            // created it, so it is sent again as a normal pending row (the attempt already counted stays counted).
            LogReconciledResend(logger, channel!.Provider, message.Id);
            await db.Outbox.Where(o => o.Id == stale.Id && o.LockedBy == token)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OutboxState.Pending)
                    .SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(o => o.NextAttemptAt, now).SetProperty(o => o.UpdatedAt, now)
                    .SetProperty(o => o.LastError, $"The delivery worker stopped while calling {channel.Provider}; {channel.Provider} has no such message, so it is sent again."), cancellationToken);
            return;
        }

        if (answer is not null && stale.Attempts < Math.Min(stale.MaxAttempts, options.Value.MaxAttempts))
        {
            // The provider could not be asked now: ask again after a backoff (each question counts as a try).
            var askAt = now + Backoff(stale.Attempts, null);
            LogAskAgain(logger, channel!.Provider, message.Id, askAt);
            await db.Outbox.Where(o => o.Id == stale.Id && o.LockedBy == token)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, InDoubtHolder).SetProperty(o => o.LockedUntil, askAt)
                    .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                    .SetProperty(o => o.LastError, $"In doubt, and {channel.Provider} could not be asked: {answer.Error} Asking again."), cancellationToken);
            return;
        }

        var reason = "In doubt: the delivery worker stopped while the provider was being called, so the message may or may not have gone out. It was not re-sent automatically to avoid a duplicate; retry it by hand if the recipient did not get it."
            + (answer?.Error is { } why ? $" The provider could not be asked: {why}" : string.Empty);
        var settled = await db.Outbox.Where(o => o.Id == stale.Id && o.LockedBy == token)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, OutboxState.Dead).SetProperty(o => o.LastError, reason)
                .SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null).SetProperty(o => o.UpdatedAt, now), cancellationToken);
        if (settled == 0)
        {
            return;
        }

        message.MarkFailed(reason, now);
        await SaveStatusAsync(message, cancellationToken);
    }

    /// <summary>Asks the provider about the dead worker's attempt, within this settler's lease; never throws for provider trouble.</summary>
    private async Task<DeliveryLookupResult> AskProviderAsync(IDeliveryLookup lookup, Message message, Channel channel, OutboxEntry stale, CancellationToken cancellationToken)
    {
        // The attempt started when the row went "sending" (UpdatedAt, and LockedUntil minus the lease); the provider's
        // clock may differ from ours a little and it keeps whole seconds.
        var started = stale.UpdatedAt;
        if (stale.LockedUntil is { } until && until - options.Value.Lease < started)
        {
            started = until - options.Value.Lease;
        }

        using var timeout = new CancellationTokenSource(options.Value.Lease * 0.8, clock);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var envelope = await EnvelopeAsync(message, channel, cancellationToken);
            return await lookup.LookupAsync(envelope, started - InDoubtClockSlack, call.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return DeliveryLookupResult.Unknown($"{channel.Provider} did not answer within {(options.Value.Lease * 0.8).TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLookupThrew(logger, ex, channel.Provider, message.Id);
            return DeliveryLookupResult.Unknown($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The oldest of the provider's ids that no other outbox row already owns (an identical text to the same recipient).</summary>
    private async Task<string?> UnclaimedAsync(IReadOnlyList<string> providerIds, Guid rowId, CancellationToken cancellationToken)
    {
        if (providerIds.Count == 0)
        {
            return null;
        }

        var owned = await db.Outbox.IgnoreQueryFilters()
            .Where(o => o.Id != rowId && o.ProviderMessageId != null && providerIds.Contains(o.ProviderMessageId))
            .Select(o => o.ProviderMessageId!).ToListAsync(cancellationToken);
        return providerIds.Reverse().FirstOrDefault(id => !owned.Contains(id, StringComparer.Ordinal));
    }

    private async Task FinishAsync(OutboxEntry entry, Message message, SendResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        entry.UpdatedAt = now;
        entry.LockedBy = null;
        entry.LockedUntil = null;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                entry.State = OutboxState.Sent;
                entry.SentAt = now;
                entry.ProviderMessageId = result.ProviderMessageId;
                entry.LastError = null;
                message.MarkSent(result.ProviderMessageId, now);
                await SaveStatusAsync(message, cancellationToken);
                return;
            case SendOutcome.TransientFailure or SendOutcome.InDoubt when entry.Attempts < Math.Min(entry.MaxAttempts, options.Value.MaxAttempts):
                entry.State = OutboxState.Pending;
                entry.LastError = result.Error;
                entry.NextAttemptAt = now + Backoff(entry.Attempts, result.RetryAfter);
                await db.SaveChangesAsync(cancellationToken);
                return;
            default:
                entry.State = OutboxState.Dead;
                entry.LastError = result.Outcome is SendOutcome.TransientFailure or SendOutcome.InDoubt
                    ? $"Gave up after {entry.Attempts} tries. Last error: {result.Error}"
                    : result.Error;
                message.MarkFailed(entry.LastError, now);
                await SaveStatusAsync(message, cancellationToken);
                return;
        }
    }

    private TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        var exponential = options.Value.BaseBackoff * Math.Pow(2, Math.Max(0, attempts - 1));
        var capped = exponential > options.Value.MaxBackoff ? options.Value.MaxBackoff : exponential;
        var jittered = capped * (0.5 + Random.Shared.NextDouble());
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }

    /// <summary>Saves the message (its status moved, or stayed where a later one had put it) and tells observers and agents.</summary>
    private async Task SaveStatusAsync(Message message, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var observer in observers)
        {
            await observer.OnStatusAsync(message, cancellationToken);
        }

        await realtime.MessageAsync(message.WorkspaceId, RealtimeEventNames.MessageUpdated, message, null, cancellationToken);
        await change.CommitAsync(cancellationToken);
    }

    private async Task<OutboundEnvelope> EnvelopeAsync(Message message, Channel channel, CancellationToken cancellationToken)
    {
        string? inReplyTo = null;
        IReadOnlyList<string> references = [];
        if (message.ChannelType == ChannelType.Email)
        {
            // Reply to the contact's latest email in the thread, carrying the thread's ids.
            var last = await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == message.ConversationId && m.Direction == MessageDirection.Inbound && m.ExternalId != null)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (last is not null)
            {
                inReplyTo = last.ExternalId;
                var chain = last.Metadata.TryGetValue("references", out var r) ? r.Deserialize<List<string>>() ?? [] : [];
                references = [.. chain, last.ExternalId!];
            }
        }

        var settings = secrets.Reveal(channel).ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText());
        settings["channel_id"] = channel.Id.ToString(); // adapters build their status-callback URLs from it
        return new OutboundEnvelope
        {
            MessageId = message.Id,
            WorkspaceId = message.WorkspaceId,
            Channel = message.ChannelType,
            Settings = settings,
            From = channel.Address ?? settings.GetValueOrDefault("from") ?? string.Empty,
            FromName = settings.GetValueOrDefault("from_name"),
            To = message.Address ?? string.Empty,
            Subject = message.Subject,
            Text = message.Text,
            Html = message.Html,
            Attachments = message.Attachments,
            IdempotencyKey = message.IdempotencyKey ?? message.Id.ToString("N"),
            InReplyTo = inReplyTo,
            References = references,
            Headers = DeliveryHeaders.Of(message),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "In-doubt message {MessageId}: {Provider} has it as {ProviderMessageId}; recorded as sent")]
    private static partial void LogReconciledSent(ILogger logger, string provider, Guid messageId, string providerMessageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "In-doubt message {MessageId}: {Provider} does not have it; sending it again")]
    private static partial void LogReconciledResend(ILogger logger, string provider, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider}'s answer for message {MessageId} was lost; asking {Provider} about it at {AskAt:O} before any resend")]
    private static partial void LogParkedInDoubt(ILogger logger, string provider, Guid messageId, DateTimeOffset askAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Provider} could not be asked about in-doubt message {MessageId}; asking again at {AskAt:O}")]
    private static partial void LogAskAgain(ILogger logger, string provider, Guid messageId, DateTimeOffset askAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking {Provider} about in-doubt message {MessageId} threw")]
    private static partial void LogLookupThrew(ILogger logger, Exception exception, string provider, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adapter {Provider} did not finish sending message {MessageId} within {Seconds:0.#} s, before the delivery lease ends; cut off")]
    private static partial void LogCutOff(ILogger logger, string provider, Guid messageId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adapter {Provider} threw while sending message {MessageId}; will retry")]
    private static partial void LogAdapterThrew(ILogger logger, Exception exception, string provider, Guid messageId);
}
