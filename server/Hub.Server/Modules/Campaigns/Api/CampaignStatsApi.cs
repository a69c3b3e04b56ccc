using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Campaigns.Tracking;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary>The spec's CampaignStatusUpdate progress: sent, failed, total targets, success rate (sent / (sent + failed)).</summary>
public sealed record CampaignProgress(int Sent, int Failed, int TotalTargets, double SuccessRate);

/// <summary>Ledger counts of one variant (or of the whole run).</summary>
public sealed record StateCounts(int Pending, int Queued, int Sent, int Failed, int Skipped, int Deferred);

/// <summary>A variant's ledger counts, tracking and rates (human unique opens or clicks / sent).</summary>
public sealed record VariantStats(
    string Name, StateCounts States, TrackingCountsResponse Opens, TrackingCountsResponse Clicks, int Unsubscribes, double OpenRate, double ClickRate, bool Winner);

/// <summary>Where a campaign's run stands, from its ledger and its tracking hits (raw, human, unique human, machine, scanner).</summary>
public sealed record CampaignStatsResponse(
    Guid CampaignId, CampaignStatus Status, int Run, int Total, StateCounts States, Dictionary<string, int> SkipReasons,
    List<VariantStats> Variants, CampaignProgress Progress, TrackingCountsResponse Opens, TrackingCountsResponse Clicks, int Unsubscribes,
    AbTestResult? AbTest, DateTimeOffset? AbDecisionDueAt, DateTimeOffset UpdatedAt);

/// <summary>A ledger row as the API shows it.</summary>
public sealed record RecipientResponse(
    Guid Id, Guid ContactId, int Run, string? Variant, RecipientState State, string? Reason, string? Detail, DateTimeOffset? NotBefore,
    Guid? MessageId, string? Channel, string? Address, DateTimeOffset CreatedAt, DateTimeOffset? QueuedAt, DateTimeOffset? SentAt, DateTimeOffset? FailedAt)
{
    public static RecipientResponse From(CampaignRecipient r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.ContactId, r.Run, r.Variant, r.State, r.Reason, r.Detail, r.NotBefore, r.MessageId, r.Channel is { } channel ? Hub.Server.Modules.Campaigns.RecipientChecks.Name(channel) : null, r.Address, r.CreatedAt, r.QueuedAt, r.SentAt, r.FailedAt);
    }
}

/// <summary><c>/{id}/stats</c> and <c>/{id}/recipients</c>: what the ledger says.</summary>
public static class CampaignStatsApi
{
    public static RouteGroupBuilder MapCampaignStatsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/{id:guid}/stats", StatsAsync).WithName("CampaignStats");
        group.MapGet("/{id:guid}/recipients", RecipientsAsync).WithName("CampaignRecipients");
        return group;
    }

    internal static async Task<Results<Ok<CampaignStatsResponse>, ValidationProblem, ProblemHttpResult>> StatsAsync(
        Guid id, int? run, HubDbContext db, CampaignTracking tracking, AbWinnerDecider abTest, TimeProvider clock, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        var which = run ?? campaign.CurrentRun;
        var groups = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id && r.Run == which)
            .GroupBy(r => new { r.Variant, r.State, r.Reason }).Select(g => new { g.Key.Variant, g.Key.State, g.Key.Reason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var all = Count(groups.Select(g => (g.State, g.Count)));
        var reasons = groups.Where(g => g.Reason is not null && g.State is RecipientState.Skipped or RecipientState.Deferred or RecipientState.Failed)
            .GroupBy(g => g.Reason!).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var hits = await tracking.ForRunAsync(id, which, cancellationToken);
        var decided = campaign.AbDecidedRun == which && which > 0 ? campaign.AbTest : null;
        var names = campaign.Variants.Items.Select(v => v.Name).Concat(groups.Where(g => g.Variant is not null).Select(g => g.Variant!)).Distinct(StringComparer.Ordinal);
        var variants = names.Select(name =>
        {
            var states = Count(groups.Where(g => g.Variant == name).Select(x => (x.State, x.Count)));
            var of = hits.Of(name);
            var rates = VariantRates.Of(name, states.Sent, of.Opens.UniqueHuman, of.Clicks.UniqueHuman);
            return new VariantStats(name, states, TrackingCountsResponse.From(of.Opens), TrackingCountsResponse.From(of.Clicks), of.Unsubscribes,
                rates.OpenRate, rates.ClickRate, decided?.Winner == name);
        }).ToList();
        var total = groups.Sum(g => g.Count);
        var attempted = all.Sent + all.Failed;
        var progress = new CampaignProgress(all.Sent, all.Failed, total, attempted == 0 ? 0 : Math.Round((double)all.Sent / attempted, 4));
        var dueAt = which == campaign.CurrentRun ? await abTest.DueAtAsync(campaign, cancellationToken) : null;
        return TypedResults.Ok(new CampaignStatsResponse(id, campaign.Status, which, total, all, reasons, variants, progress,
            TrackingCountsResponse.From(hits.All.Opens), TrackingCountsResponse.From(hits.All.Clicks), hits.All.Unsubscribes, decided, dueAt, clock.GetUtcNow()));
    }

    internal static async Task<Results<Ok<Page<RecipientResponse>>, ValidationProblem, ProblemHttpResult>> RecipientsAsync(
        Guid id, string? state, string? reason, int? run, int? limit, string? cursor, HubDbContext db, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (!QueryEnum.TryParse<RecipientState>(state, out var wanted))
        {
            return Problems.Invalid("state", $"state must be one of {QueryEnum.Allowed<RecipientState>()}.");
        }

        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        var which = run ?? campaign.CurrentRun;
        var query = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id && r.Run == which);
        if (wanted is { } s)
        {
            query = query.Where(r => r.State == s);
        }

        if (!string.IsNullOrWhiteSpace(reason))
        {
            query = query.Where(r => r.Reason == reason);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(r => r.CreatedAt < at || (r.CreatedAt == at && r.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<RecipientResponse>([.. rows.Take(take).Select(RecipientResponse.From)], next));
    }

    private static StateCounts Count(IEnumerable<(RecipientState State, int Count)> groups)
    {
        var by = groups.GroupBy(g => g.State).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        return new StateCounts(by.GetValueOrDefault(RecipientState.Pending), by.GetValueOrDefault(RecipientState.Queued), by.GetValueOrDefault(RecipientState.Sent),
            by.GetValueOrDefault(RecipientState.Failed), by.GetValueOrDefault(RecipientState.Skipped), by.GetValueOrDefault(RecipientState.Deferred));
    }
}
