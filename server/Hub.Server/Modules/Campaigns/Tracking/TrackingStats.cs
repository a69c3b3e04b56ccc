using Hub.Core.Campaigns;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>Opens or clicks, counted honestly: every hit, people only, distinct people, proxies and scanners.</summary>
public sealed record TrackingCounts(int Raw, int Human, int UniqueHuman, int Machine, int Scanner)
{
    public static readonly TrackingCounts None = new(0, 0, 0, 0, 0);
}

/// <summary>The tracking numbers of a message or a campaign.</summary>
public sealed record TrackingStatsResult(TrackingCounts Opens, TrackingCounts Clicks, int Unsubscribes);

/// <summary>Counts tracking hits per message or per campaign (campaigns reuse it for their stats).</summary>
public sealed class TrackingStats(HubDbContext db)
{
    public Task<TrackingStatsResult> ForMessageAsync(Guid messageId, CancellationToken cancellationToken) =>
        CountAsync(db.TrackingHits.Where(h => h.MessageId == messageId), cancellationToken);

    public Task<TrackingStatsResult> ForCampaignAsync(Guid campaignId, CancellationToken cancellationToken) =>
        CountAsync(db.TrackingHits.Where(h => h.CampaignId == campaignId), cancellationToken);

    private static async Task<TrackingStatsResult> CountAsync(IQueryable<TrackingHit> hits, CancellationToken cancellationToken)
    {
        var groups = await hits.GroupBy(h => new { h.Kind, h.Classification })
            .Select(g => new { g.Key.Kind, g.Key.Classification, Count = g.Count() })
            .ToListAsync(cancellationToken);

        // A person is their contact; a message without one counts as its own recipient.
        var unique = await hits.Where(h => h.Classification == HitClassification.Human)
            .GroupBy(h => h.Kind)
            .Select(g => new { Kind = g.Key, People = g.Select(h => h.ContactId ?? h.MessageId).Distinct().Count() })
            .ToListAsync(cancellationToken);

        TrackingCounts For(TrackingHitKind kind)
        {
            int Of(HitClassification c) => groups.Where(g => g.Kind == kind && g.Classification == c).Sum(g => g.Count);
            return new TrackingCounts(
                groups.Where(g => g.Kind == kind).Sum(g => g.Count),
                Of(HitClassification.Human),
                unique.Where(u => u.Kind == kind).Sum(u => u.People),
                Of(HitClassification.Machine),
                Of(HitClassification.Scanner));
        }

        return new TrackingStatsResult(For(TrackingHitKind.Open), For(TrackingHitKind.Click), For(TrackingHitKind.Unsubscribe).UniqueHuman);
    }
}
