using Microsoft.Extensions.Options;
using Quartz;

namespace Hub.Server.Modules.Campaigns;

/// <summary>Fires the campaign sweep now (after a start or resume) instead of at its next interval.</summary>
public sealed class CampaignWake(ISchedulerFactory schedulers, IOptions<CampaignOptions> options)
{
    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RunnerEnabled)
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(CampaignSweepJob.Key, cancellationToken);
    }
}
