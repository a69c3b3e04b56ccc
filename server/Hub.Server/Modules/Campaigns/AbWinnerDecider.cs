using Hub.Core.Campaigns;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// Decides a campaign run's A/B test. The test cohort is sent first (the rest wait in the ledger as
/// <c>ab_waiting_for_winner</c>); once every test row is out and the campaign's <c>wait</c> has passed since the
/// last of them was queued, the winner is the variant with the best HUMAN unique open or click rate
/// (<see cref="WinnerPicker"/>: minimum sample <see cref="CampaignOptions.AbMinSample"/>, ties to the first variant).
/// Recording the decision and releasing the waiting rows with the winner's variant happen in one transaction behind
/// a conditional update of the campaign, so two nodes racing decide once.
/// </summary>
public sealed partial class AbWinnerDecider(
    HubDbContext db,
    UnitOfWork work,
    CampaignTracking tracking,
    CampaignLive live,
    IOptions<CampaignOptions> options,
    TimeProvider clock,
    ILogger<AbWinnerDecider> logger)
{
    /// <summary>Whether the campaign's current run has an A/B test cohort still waiting for its decision.</summary>
    public static bool IsUndecided(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return campaign.Variants is { IsEnabled: true, TestPercent: not null } && campaign.CurrentRun > 0 && campaign.AbDecidedRun != campaign.CurrentRun;
    }

    /// <summary>When the current run's test is due for its decision; null while test rows are still being sent (or nothing is undecided).</summary>
    public async Task<DateTimeOffset?> DueAtAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        if (!IsUndecided(campaign) || campaign.ExpandedAt is not { } expanded)
        {
            return null;
        }

        var id = campaign.Id;
        var run = campaign.CurrentRun;
        var test = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id && r.Run == run && r.Variant != null);
        if (await test.AnyAsync(r => r.State == RecipientState.Pending, cancellationToken))
        {
            return null;
        }

        var queued = await test.Where(r => r.QueuedAt != null).Select(r => r.QueuedAt).ToListAsync(cancellationToken);
        var last = queued.Count == 0 ? expanded : queued.Max()!.Value;
        return last + WaitOf(campaign);
    }

    /// <summary>Decides when due (the runner calls it every turn); the decision, or null when none was made now.</summary>
    public async Task<AbTestResult?> DecideIfDueAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var due = await DueAtAsync(campaign, cancellationToken);
        return due is { } at && clock.GetUtcNow() >= at ? await DecideAsync(campaign, forced: false, cancellationToken) : null;
    }

    /// <summary>Decides now; null when the run was decided already (by another node or call).</summary>
    public async Task<AbTestResult?> DecideAsync(Campaign campaign, bool forced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        if (!IsUndecided(campaign))
        {
            return null;
        }

        var run = campaign.CurrentRun;
        var rates = await RatesAsync(campaign, run, cancellationToken);
        var (winner, reason) = WinnerPicker.Pick(rates, campaign.Variants.Metric, options.Value.AbMinSample);
        var now = clock.GetUtcNow();
        var result = new AbTestResult
        {
            Run = run,
            Winner = winner,
            DecidedAt = now,
            Metric = campaign.Variants.Metric,
            Reason = reason,
            Forced = forced,
            Variants = [.. rates],
        };

        await using var change = await work.BeginAsync(cancellationToken);
        var won = await db.Campaigns.Where(c => c.Id == campaign.Id && c.CurrentRun == run && c.AbDecidedRun != run)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.AbDecidedRun, run).SetProperty(c => c.AbTest, result).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (won != 1)
        {
            await change.RollbackAsync(cancellationToken);
            return null;
        }

        var released = await db.CampaignRecipients
            .Where(r => r.CampaignId == campaign.Id && r.Run == run && r.State == RecipientState.Deferred && r.Reason == VariantSplit.HeldForWinner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Variant, winner).SetProperty(r => r.State, RecipientState.Pending)
                .SetProperty(r => r.Reason, (string?)null).SetProperty(r => r.Detail, (string?)null).SetProperty(r => r.UpdatedAt, now), cancellationToken);
        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
        campaign.AbDecidedRun = run;
        campaign.AbTest = result;
        LogDecided(logger, campaign.Id, run, winner, reason, released);

        await live.PublishAsync(new CampaignAnalyticsEventMessage(
            campaign.Id, Guid.CreateVersion7(), CampaignAnalyticsTypes.AbWinnerDecided, CampaignLive.ExecutionId(campaign.Id, run), now, null,
            new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, object?>
            {
                ["winner"] = winner,
                ["metric"] = campaign.Variants.Metric == WinnerMetric.ClickRate ? "click_rate" : "open_rate",
                ["reason"] = reason,
                ["forced"] = forced,
                ["released"] = released,
                ["variants"] = rates,
            }));
        return result;
    }

    /// <summary>Each variant's sent count and human unique opens and clicks in the run, in the campaign's variant order.</summary>
    public async Task<List<VariantRates>> RatesAsync(Campaign campaign, int run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var id = campaign.Id;
        var sent = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id && r.Run == run && r.Variant != null && r.State == RecipientState.Sent)
            .GroupBy(r => r.Variant!).Select(g => new { Variant = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Variant, g => g.Count, cancellationToken);
        var numbers = await tracking.ForRunAsync(id, run, cancellationToken);
        return [.. campaign.Variants.Items.Select(v =>
        {
            var of = numbers.Of(v.Name);
            return VariantRates.Of(v.Name, sent.GetValueOrDefault(v.Name), of.Opens.UniqueHuman, of.Clicks.UniqueHuman);
        })];
    }

    private TimeSpan WaitOf(Campaign campaign) =>
        RuleDuration.TryParse(campaign.Variants.Wait, out var wait) ? wait : options.Value.AbDefaultWait;

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {Run}: A/B winner {Winner} ({Reason}); {Released} waiting recipients released")]
    private static partial void LogDecided(ILogger logger, Guid campaignId, int run, string winner, string reason, int released);
}
