using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// The moves of a campaign's status, from the API, the sweep and the runner: each is one conditional update, so two
/// callers racing (two nodes, a click and a sweep) can't both make the same move. A run begins, has its ledger
/// written (expanded), then completes (or waits for its next time), fails, or is paused, resumed or stopped.
/// </summary>
public sealed partial class CampaignLifecycle(
    HubDbContext db, UnitOfWork work, CampaignLive live, WebhookPublisher webhooks, TimeProvider clock, ILogger<CampaignLifecycle> logger)
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

    /// <summary>
    /// The run's ledger is written in full: it records when and how many rows, so the next turn sends instead of
    /// expanding again. Nothing when a newer run began meanwhile.
    /// </summary>
    public async Task MarkExpandedAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var run = campaign.CurrentRun;
        var total = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaign.Id && r.Run == run, cancellationToken);
        var expandedAt = clock.GetUtcNow();
        await db.Campaigns.Where(c => c.Id == campaign.Id && c.CurrentRun == run)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpandedAt, expandedAt).SetProperty(c => c.TotalRecipients, total), cancellationToken);
        campaign.ExpandedAt = expandedAt;
        campaign.TotalRecipients = total;
        live.Changed(campaign.WorkspaceId, campaign.Id);
        LogExpanded(logger, campaign.Id, run, total);
    }

    /// <summary>
    /// Ends the current run once no recipient waits any more: completed, or scheduled for the next run of a recurring
    /// campaign. False when the campaign was no longer running that run (paused, stopped, or another node finished it).
    /// </summary>
    public async Task<bool> FinishRunAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var run = campaign.CurrentRun;
        var now = clock.GetUtcNow();
        var next = ScheduleMath.NextRun(campaign.Schedule, campaign.StartedAt ?? now);
        var status = next is null ? CampaignStatus.Completed : CampaignStatus.Scheduled;
        await using var change = await work.BeginAsync(cancellationToken);
        var finished = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Running && c.CurrentRun == run)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.NextRunAt, next)
                .SetProperty(c => c.CompletedAt, next is null ? now : null).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (finished == 1)
        {
            // Each run that ends is a completed execution; a recurring campaign's next run records campaign_executed again.
            CampaignAnalytics.Record(db, campaign.WorkspaceId, campaign.Id, AnalyticsEventTypes.CampaignCompleted, now);
            await db.SaveChangesAsync(cancellationToken);
            await webhooks.PublishCampaignAsync(campaign.Id, next is null ? "completed" : "scheduled", cancellationToken);
            live.Changed(work, campaign.WorkspaceId, campaign.Id);
        }

        await change.CommitAsync(cancellationToken);
        if (finished == 1)
        {
            LogFinished(logger, campaign.Id, run, status);
        }

        return finished == 1;
    }

    /// <summary>The running campaign can't be sent at all (<paramref name="error"/> says why, to the marketer): failed.</summary>
    public async Task FailAsync(Campaign campaign, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);
        if (await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Failed).SetProperty(c => c.LastError, error)
                .SetProperty(c => c.CompletedAt, now).SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1)
        {
            CampaignAnalytics.Record(db, campaign.WorkspaceId, campaign.Id, AnalyticsEventTypes.CampaignFailed, now, error);
            await db.SaveChangesAsync(cancellationToken);
            await webhooks.PublishCampaignAsync(campaign.Id, "failed", cancellationToken);
        }

        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {Run}: {Total} recipients written into the ledger")]
    private static partial void LogExpanded(ILogger logger, Guid campaignId, int run, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {Run} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, Guid campaignId, int run, CampaignStatus status);
}
