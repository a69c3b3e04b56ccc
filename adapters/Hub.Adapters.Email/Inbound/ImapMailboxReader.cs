using System.Globalization;
using Hub.Core.Channels;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Email.Inbound;

/// <summary>
/// Reads one mailbox for as long as it runs: connects, imports every message above the stored UID cursor,
/// then waits with IDLE (or sleeps the poll interval) and imports again. The cursor (UIDVALIDITY + last UID)
/// lives in <see cref="IChannelStateStore"/> and moves only after a message was accepted, so a restart
/// neither re-reads nor skips mail. A failure reconnects with a growing delay.
/// </summary>
public sealed partial class ImapMailboxReader(
    EmailMailbox mailbox, string owner, IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider clock, EmailMetrics metrics,
    ILogger logger)
{
    public string UidValidityKey => $"imap:{mailbox.Folder}:uidvalidity";

    public string LastUidKey => $"imap:{mailbox.Folder}:last_uid";

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ReadWhileHoldingLeaseAsync(stoppingToken);
        }
        finally
        {
            await ReleaseLeaseAsync();
        }
    }

    private async Task ReadWhileHoldingLeaseAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await TryHoldLeaseAsync(stoppingToken))
                {
                    // Another node reads this mailbox; look again when its claim could have lapsed.
                    await Task.Delay(options.Value.MailboxLease / 3, clock, stoppingToken);
                    continue;
                }

                using var client = new ImapClient { Timeout = (int)options.Value.CommandTimeout.TotalMilliseconds };
                await ConnectAsync(client, stoppingToken);
                var folder = await client.GetFolderAsync(mailbox.Folder, stoppingToken);
                // Read-only: importing must not change what the mailbox's other readers see (\Seen stays as it was).
                await folder.OpenAsync(FolderAccess.ReadOnly, stoppingToken);
                failures = 0;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await ImportNewAsync(folder, stoppingToken);
                    await WaitForMailAsync(client, folder, stoppingToken);
                    if (!await TryHoldLeaseAsync(stoppingToken))
                    {
                        LogLeaseLost(mailbox.ChannelId);
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                metrics.ReadFailed();
                var delay = TimeSpan.FromSeconds(Math.Min(options.Value.MaxReconnectDelay.TotalSeconds, Math.Pow(2, Math.Min(failures, 12))));
                LogFailed(ex, mailbox.ChannelId, delay);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> TryHoldLeaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return scope.ServiceProvider.GetService<IMailboxLease>() is not { } lease
            || await lease.TryAcquireAsync(mailbox.ChannelId, owner, options.Value.MailboxLease, cancellationToken);
    }

    private async Task ReleaseLeaseAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<IMailboxLease>() is { } lease)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await lease.ReleaseAsync(mailbox.ChannelId, owner, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The claim runs out by itself; releasing only lets another node take over sooner.
            LogReleaseFailed(ex, mailbox.ChannelId);
        }
    }

    private async Task ConnectAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var server = mailbox.Imap ?? throw new InvalidOperationException("The channel has no imap_host setting.");
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(options.Value.ConnectTimeout);
        await client.ConnectAsync(server.Host, server.Port, server.Security, connectTimeout.Token);
        if (server.UserName is { } user)
        {
            await client.AuthenticateAsync(user, server.Password ?? string.Empty, cancellationToken);
        }
    }

    /// <summary>Imports every message above the cursor, oldest first; returns how many were accepted.</summary>
    public async Task<int> ImportNewAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        var (lastUid, validityChanged) = await ReadCursorAsync(folder, cancellationToken);
        IList<UniqueId> uids;
        if (validityChanged)
        {
            // A new UIDVALIDITY means the old cursor names nothing; re-import the recent window (the inbox
            // ignores Message-IDs it already has) rather than risk skipping mail.
            var days = options.Value.InitialImportDays;
            uids = days == 0
                ? []
                : await folder.SearchAsync(SearchQuery.DeliveredAfter(clock.GetUtcNow().UtcDateTime.Date.AddDays(-days)), cancellationToken);
            // The cursor starts just below the window, or after the newest message when the window is empty:
            // mail older than the window is never imported, not even on a later pass.
            var start = uids.Count > 0 ? uids.Min(u => u.Id) - 1 : await HighestUidAsync(folder, cancellationToken);
            await SaveCursorAsync(start, folder.UidValidity, cancellationToken);
            lastUid = start;
        }
        else
        {
            // "n:*" always matches the highest UID, even below n; hence the filter after the search.
            uids = await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, lastUid + 1), UniqueId.MaxValue)), cancellationToken);
        }

        var accepted = 0;
        foreach (var uid in uids.Where(u => u.Id > lastUid).OrderBy(u => u.Id))
        {
            var summaries = await folder.FetchAsync([uid], MessageSummaryItems.InternalDate | MessageSummaryItems.UniqueId, cancellationToken);
            var receivedAt = summaries.FirstOrDefault()?.InternalDate ?? clock.GetUtcNow();
            var message = await folder.GetMessageAsync(uid, cancellationToken);
            await using (var scope = scopes.CreateAsyncScope())
            {
                var intake = scope.ServiceProvider.GetRequiredService<MailIntake>();
                await intake.AcceptAsync(message, new MimeParsing.Arrival(mailbox.WorkspaceId, mailbox.ChannelId, mailbox.OwnAddress, receivedAt), cancellationToken);
                // Only now is the message safe with the inbox: move the cursor past it.
                await scope.ServiceProvider.GetRequiredService<IChannelStateStore>()
                    .SetAsync(mailbox.ChannelId, LastUidKey, uid.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
            }

            metrics.Imported();
            accepted++;
        }

        return accepted;
    }

    private static async Task<uint> HighestUidAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        if (folder.UidNext is { } next)
        {
            return next.Id - 1;
        }

        var all = await folder.SearchAsync(SearchQuery.All, cancellationToken);
        return all.Count == 0 ? 0 : all.Max(u => u.Id);
    }

    private async Task<(uint LastUid, bool ValidityChanged)> ReadCursorAsync(IMailFolder folder, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IChannelStateStore>();
        var validity = await store.GetAsync(mailbox.ChannelId, UidValidityKey, cancellationToken);
        var last = await store.GetAsync(mailbox.ChannelId, LastUidKey, cancellationToken);
        if (validity is null || !uint.TryParse(validity, CultureInfo.InvariantCulture, out var stored) || stored != folder.UidValidity)
        {
            if (validity is not null)
            {
                LogValidityChanged(mailbox.ChannelId, validity, folder.UidValidity);
            }

            return (0, true);
        }

        return (uint.TryParse(last, CultureInfo.InvariantCulture, out var uid) ? uid : 0, false);
    }

    private async Task SaveCursorAsync(uint lastUid, uint validity, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IChannelStateStore>();
        // The UID first: a crash between the two writes leaves the old UIDVALIDITY, so the next start resets again.
        await store.SetAsync(mailbox.ChannelId, LastUidKey, lastUid.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await store.SetAsync(mailbox.ChannelId, UidValidityKey, validity.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    private async Task WaitForMailAsync(ImapClient client, IMailFolder folder, CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.UseIdle || !client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(TimeSpan.FromTicks(Math.Min(o.PollInterval.Ticks, o.MailboxLease.Ticks / 3)), clock, stoppingToken);
            await client.NoOpAsync(stoppingToken);
            return;
        }

        // IDLE ends in time to renew the lease on this mailbox before it lapses.
        using var done = new CancellationTokenSource(TimeSpan.FromTicks(Math.Min(o.IdleRefresh.Ticks, o.MailboxLease.Ticks / 3)), clock);
        void OnCountChanged(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += OnCountChanged;
        try
        {
            await client.IdleAsync(done.Token, stoppingToken);
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the mailbox of channel {ChannelId} failed; reconnecting in {Delay}")]
    private partial void LogFailed(Exception exception, Guid channelId, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another node took over the mailbox of channel {ChannelId}")]
    private partial void LogLeaseLost(Guid channelId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing the mailbox of channel {ChannelId} failed")]
    private partial void LogReleaseFailed(Exception exception, Guid channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mailbox of channel {ChannelId} changed UIDVALIDITY ({Old} → {New}); re-reading its recent mail")]
    private partial void LogValidityChanged(Guid channelId, string old, uint @new);
}
