using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Email.Inbound;

/// <summary>
/// Keeps one <see cref="ImapMailboxReader"/> running per active email channel with IMAP settings, and
/// starts, restarts or stops readers as channels are added, changed or removed.
/// </summary>
public sealed partial class ImapPoller(
    IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider clock, EmailMetrics metrics, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<ImapPoller>();
    private readonly Dictionary<Guid, Running> _readers = [];

    /// <summary>Who this poller is when it claims a mailbox (one per process and start).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ImapEnabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRefreshFailed(ex);
                }

                await Task.Delay(options.Value.ChannelRefreshInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            List<Running> running;
            lock (_readers)
            {
                running = [.. _readers.Values];
                _readers.Clear();
            }

            foreach (var r in running)
            {
                await r.StopAsync();
            }
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<EmailMailbox> mailboxes;
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (scope.ServiceProvider.GetService<IEmailChannelDirectory>() is not { } directory)
            {
                LogNoDirectory();
                return;
            }

            mailboxes = await directory.ListActiveAsync(stoppingToken);
        }

        var wanted = mailboxes.Where(m => m.Imap is not null).ToDictionary(m => m.ChannelId);
        List<Running> toStop = [];
        lock (_readers)
        {
            foreach (var (id, running) in _readers)
            {
                if (!wanted.TryGetValue(id, out var mailbox) || !SameSettings(mailbox, running.Mailbox))
                {
                    toStop.Add(running);
                }
            }

            foreach (var r in toStop)
            {
                _readers.Remove(r.Mailbox.ChannelId);
            }
        }

        foreach (var r in toStop)
        {
            await r.StopAsync();
        }

        lock (_readers)
        {
            foreach (var mailbox in wanted.Values.Where(m => !_readers.ContainsKey(m.ChannelId)))
            {
                var reader = new ImapMailboxReader(mailbox, Owner, scopes, options, clock, metrics, loggers.CreateLogger<ImapMailboxReader>());
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _readers[mailbox.ChannelId] = new Running(mailbox, reader, stop, Task.Run(() => reader.RunAsync(stop.Token), CancellationToken.None));
                LogStarted(mailbox.ChannelId, mailbox.Imap!.ToString(), mailbox.Folder);
            }
        }
    }

    private static bool SameSettings(EmailMailbox a, EmailMailbox b) =>
        a.WorkspaceId == b.WorkspaceId && a.Address == b.Address && a.Settings.Count == b.Settings.Count
        && a.Settings.All(kv => b.Settings.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private sealed record Running(EmailMailbox Mailbox, ImapMailboxReader Reader, CancellationTokenSource Stop, Task Task)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            try
            {
                await Task;
            }
            catch (OperationCanceledException)
            {
            }

            Stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the mailbox of channel {ChannelId} at {Server}, folder {Folder}")]
    private partial void LogStarted(Guid channelId, string server, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No IEmailChannelDirectory is registered: no mailbox is read over IMAP")]
    private partial void LogNoDirectory();

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing the email channels failed")]
    private partial void LogRefreshFailed(Exception exception);
}
