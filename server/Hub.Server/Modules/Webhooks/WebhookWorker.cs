using Hub.Core.Webhooks;
using Hub.Data.Claims;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// The webhook dispatcher of this node: claims a batch of due deliveries, POSTs them (a few in parallel), and sleeps
/// until the poll interval when there is nothing to do.
/// </summary>
public sealed partial class WebhookWorker(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ILogger<WebhookWorker> logger) : BackgroundService
{
    /// <summary>
    /// Due deliveries, oldest due first, as the <see cref="RowClaimer"/> takes them. A row whose lease ran out (its
    /// dispatcher died mid-POST) is due again and is re-sent with the same event id.
    /// </summary>
    public static ClaimSpec<WebhookDelivery> Due { get; } = new()
    {
        Waiting = (rows, now) => rows.Where(d => (d.State == WebhookDeliveryState.Pending || d.State == WebhookDeliveryState.Failed) && d.NextAttemptAt <= now),
        Order = rows => rows.OrderBy(d => d.NextAttemptAt),
        LeaseUntil = nameof(WebhookDelivery.LockedUntil),
        LeaseHolder = nameof(WebhookDelivery.LockedBy),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = $"{Environment.MachineName}:{Environment.ProcessId}:webhooks";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(scopes, worker, options.Value, stoppingToken) > 0)
                {
                    continue;
                }

                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database blip must not kill the loop: back off and try again.
                LogLoopFailed(logger, ex, worker);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims one batch and makes one attempt of each; returns how many it took. Tests drive the dispatcher through this.</summary>
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, string worker, WebhookOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<WebhookDelivery> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            batch = await scope.ServiceProvider.GetRequiredService<RowClaimer>().ClaimAsync(Due, worker, options.BatchSize, options.Lease, cancellationToken);
        }

        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (delivery, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WebhookDispatcher>().DeliverAsync(delivery, worker, token);
            });
        return batch.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatcher {Worker} failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string worker);
}
