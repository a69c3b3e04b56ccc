using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// The delivery loops of this node: each claims a batch of due outbox rows, sends them one by one, and
/// sleeps until woken by a new message or the poll interval. Also settles rows left mid-send by workers
/// that died.
/// </summary>
public sealed partial class DeliveryWorker(
    IServiceScopeFactory scopes, DeliverySignal signal, IOptions<DeliveryOptions> options, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var node = $"{Environment.MachineName}:{Environment.ProcessId}";
        return Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(i => LoopAsync($"{node}:{i}", stoppingToken)));
    }

    /// <summary>Claims and sends one batch; returns how many rows it took. Tests drive workers through this.</summary>
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, string worker, DeliveryOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<Core.Delivery.OutboxEntry> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var claimer = scope.ServiceProvider.GetRequiredService<OutboxClaimer>();
            foreach (var stale in await claimer.InDoubtAsync(cancellationToken))
            {
                await using var settle = scopes.CreateAsyncScope();
                await settle.ServiceProvider.GetRequiredService<DeliveryProcessor>().SettleInDoubtAsync(stale, cancellationToken);
            }

            batch = await claimer.ClaimAsync(worker, options.BatchSize, options.Lease, cancellationToken);
        }

        foreach (var row in batch)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DeliveryProcessor>().ProcessAsync(row, worker, cancellationToken);
        }

        return batch.Count;
    }

    private async Task LoopAsync(string worker, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(scopes, worker, options.Value, stoppingToken) > 0)
                {
                    continue;
                }

                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery worker {Worker} failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string worker);
}
