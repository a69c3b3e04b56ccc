using Hub.Core.Rules;
using Hub.Data;
using Hub.Data.Claims;
using Hub.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Rules;

/// <summary>
/// Evaluates stored events asynchronously: claims a batch of pending events with a lease, evaluates
/// <see cref="EventsOptions.EvaluationConcurrency"/> at a time (each in its own scope, acting for the event's
/// workspace), retries a failing event after <see cref="EventsOptions.RetryDelay"/>, and after
/// <see cref="EventsOptions.MaxAttempts"/> tries marks it failed with an Error decision. Woken by ingestion on
/// this node, polling as a safety net (events stored by another node, expired leases).
/// </summary>
public sealed partial class RuleEvaluationWorker(
    IServiceScopeFactory scopes, EvaluationSignal signal, IOptions<EventsOptions> options, ILogger<RuleEvaluationWorker> logger) : BackgroundService
{
    /// <summary>
    /// Pending events across workspaces, oldest first, as the <see cref="RowClaimer"/> takes them. Every claim counts
    /// as a try, so an evaluator that dies mid-way uses one up.
    /// </summary>
    public static ClaimSpec<TrackedEvent> Pending { get; } = new()
    {
        Waiting = (rows, _) => rows.Where(e => e.Evaluation == EventEvaluation.Pending),
        Order = rows => rows.OrderBy(e => e.ReceivedAt),
        LeaseUntil = nameof(TrackedEvent.LeasedUntil),
        AlsoOnClaim = s => s.SetProperty(e => e.EvaluationAttempts, e => e.EvaluationAttempts + 1),
    };

    /// <summary>Claims and evaluates one batch; returns how many events it took. Tests drive the engine through this.</summary>
    public static async Task<int> RunOnceAsync(IServiceScopeFactory scopes, EventsOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<ClaimedEvent> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var events = await scope.ServiceProvider.GetRequiredService<RowClaimer>().ClaimAsync(Pending, null, options.ClaimBatchSize, options.Lease, cancellationToken);
            batch = [.. events.Select(e => new ClaimedEvent(e.Id, e.WorkspaceId, e.EvaluationAttempts))];
        }

        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = options.EvaluationConcurrency, CancellationToken = cancellationToken },
            (claimed, ct) => new ValueTask(EvaluateOneAsync(scopes, options, claimed, ct)));
        return batch.Count;
    }

    private static async Task EvaluateOneAsync(IServiceScopeFactory scopes, EventsOptions options, ClaimedEvent claimed, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(claimed.WorkspaceId);
            await scope.ServiceProvider.GetRequiredService<RuleEngine>().EvaluateAsync(claimed.Id, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var logger = scope.ServiceProvider.GetRequiredService<ILogger<RuleEvaluationWorker>>();
            LogEvaluationFailed(logger, ex, claimed.Id, claimed.Attempt);
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(claimed.WorkspaceId);
            if (claimed.Attempt >= options.MaxAttempts)
            {
                await scope.ServiceProvider.GetRequiredService<RuleEngine>().FailAsync(claimed.Id, claimed.Attempt, ex.Message, cancellationToken);
            }
            else
            {
                var retryAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow() + options.RetryDelay;
                await scope.ServiceProvider.GetRequiredService<HubDbContext>().Events.Where(e => e.Id == claimed.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeasedUntil, retryAt), cancellationToken);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(scopes, options.Value, stoppingToken) > 0)
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
                LogLoopFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A pending event one evaluator holds, with the try it is on.</summary>
    private sealed record ClaimedEvent(Guid Id, Guid WorkspaceId, int Attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating event {EventId} failed (try {Attempt})")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception, Guid eventId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The rule evaluation worker failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
