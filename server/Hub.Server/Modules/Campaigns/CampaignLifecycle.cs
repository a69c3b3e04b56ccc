using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// The moves of a campaign's status that more than one caller makes (the API, the sweep): each is one conditional
/// update, so two callers racing (two nodes, a click and a sweep) can't both make the same move.
/// </summary>
public sealed class CampaignLifecycle(HubDbContext db, UnitOfWork work, CampaignLive live, WebhookPublisher webhooks, TimeProvider clock)
{
    /// <summary>Begins the next run: a fresh ledger (run number + 1) to expand. False when the campaign was not in <paramref name="from"/>.</summary>
    public async Task<bool> BeginRunAsync(Guid campaignId, CampaignStatus from, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);
        var moved = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId && c.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, CampaignStatus.Running)
                .SetProperty(c => c.CurrentRun, c => c.CurrentRun + 1)
                .SetProperty(c => c.ExpandedAt, (DateTimeOffset?)null)
                .SetProperty(c => c.TotalRecipients, 0)
                .SetProperty(c => c.StartedAt, now)
                .SetProperty(c => c.CompletedAt, (DateTimeOffset?)null)
                .SetProperty(c => c.NextRunAt, (DateTimeOffset?)null)
                .SetProperty(c => c.LastError, (string?)null)
                .SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (moved == 1)
        {
            var workspaceId = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId).Select(c => c.WorkspaceId).FirstAsync(cancellationToken);
            CampaignAnalytics.Record(db, workspaceId, campaignId, AnalyticsEventTypes.CampaignExecuted, now);
            await db.SaveChangesAsync(cancellationToken);
            await webhooks.PublishCampaignAsync(campaignId, "started", cancellationToken);
            live.Changed(work, workspaceId, campaignId);
        }

        await change.CommitAsync(cancellationToken);
        return moved == 1;
    }

    /// <summary>Moves <paramref name="from"/> → <paramref name="to"/>; false when the campaign was elsewhere.</summary>
    public async Task<bool> MoveAsync(Guid campaignId, CampaignStatus from, CampaignStatus to, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var moved = await db.Campaigns.Where(c => c.Id == campaignId && c.Status == from)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
        if (moved)
        {
            await webhooks.PublishCampaignAsync(campaignId, to == CampaignStatus.Running ? "resumed" : to.ToString().ToLowerInvariant(), cancellationToken);
            await TellAsync(campaignId, cancellationToken);
        }

        return moved;
    }

    /// <summary>The campaign's watchers get its new status in the next live roll-up.</summary>
    private async Task TellAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        var workspaceId = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId).Select(c => c.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
        live.Changed(workspaceId, campaignId);
    }

    /// <summary>
    /// Stops for good: cancelled, and every recipient still waiting is skipped as <c>cancelled</c>. Rows a runner
    /// is queuing right now are locked by it (PostgreSQL) or serialized behind it (SQLite), so they end queued, not both.
    /// </summary>
    public async Task<bool> StopAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);
        var stopped = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == campaign.Status)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Cancelled).SetProperty(c => c.CompletedAt, now)
                .SetProperty(c => c.NextRunAt, (DateTimeOffset?)null).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (stopped == 0)
        {
            return false;
        }

        await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id).Where(CampaignRecipient.Unsent)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Skipped).SetProperty(r => r.Reason, SkipReasons.Cancelled)
                .SetProperty(r => r.Detail, "The campaign was stopped before this recipient's turn.").SetProperty(r => r.UpdatedAt, now), cancellationToken);
        await webhooks.PublishCampaignAsync(campaign.Id, "cancelled", cancellationToken);
        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
        return true;
    }
}
