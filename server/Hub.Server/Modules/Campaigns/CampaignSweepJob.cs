using Hub.Core.Campaigns;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// The Quartz job behind every campaign schedule: starts the runs that are due (scheduled, recurring), then gives
/// each running campaign a turn of the runner. Running campaigns are found in the database, so a campaign that was
/// running on a node that crashed, or before a restart, carries on from its ledger on the next sweep.
/// One sweep at a time (per cluster on the clustered store).
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class CampaignSweepJob(IServiceScopeFactory scopes, IOptions<CampaignOptions> options, TimeProvider clock, ILogger<CampaignSweepJob> logger) : IJob
{
    public static readonly JobKey Key = new("campaign-sweep");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await SweepAsync(scopes, options.Value, clock, logger, cancellationToken);
    }

    /// <summary>One sweep; tests call it directly.</summary>
    public static async Task SweepAsync(IServiceScopeFactory scopes, CampaignOptions options, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        List<Guid> due;
        List<Guid> running;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = clock.GetUtcNow();
            due = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Status == CampaignStatus.Scheduled && c.NextRunAt != null && c.NextRunAt <= now)
                .Select(c => c.Id).ToListAsync(cancellationToken);
            var lifecycle = scope.ServiceProvider.GetRequiredService<CampaignLifecycle>();
            foreach (var id in due)
            {
                await lifecycle.BeginRunAsync(id, CampaignStatus.Scheduled, cancellationToken);
            }

            running = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Status == CampaignStatus.Running)
                .OrderBy(c => c.UpdatedAt).Select(c => c.Id).ToListAsync(cancellationToken);
        }

        foreach (var id in running)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CampaignRunner>().RunAsync(id, options.TimeSlice, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One campaign's trouble (a database blip, a bad template) must not hold up the others; the next sweep retries.
                LogTurnFailed(logger, ex, id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Campaign {CampaignId}: a runner turn failed; the next sweep retries it")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, Guid campaignId);
}
