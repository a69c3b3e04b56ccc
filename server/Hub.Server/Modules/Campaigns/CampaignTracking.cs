using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>Opens, clicks and unsubscribes of one group of a campaign run's recipients (a variant, or all of them).</summary>
public sealed record RunTracking(TrackingCounts Opens, TrackingCounts Clicks, int Unsubscribes)
{
    public static readonly RunTracking None = new(TrackingCounts.None, TrackingCounts.None, 0);
}

/// <summary>A run's tracking numbers, overall and per A/B variant.</summary>
public sealed record RunTrackingResult(RunTracking All, IReadOnlyDictionary<string, RunTracking> ByVariant)
{
    public RunTracking Of(string variant) => ByVariant.GetValueOrDefault(variant) ?? RunTracking.None;
}

/// <summary>
/// Counts a campaign run's tracking hits through its ledger (hit → message → ledger row), so every number belongs
/// to one run and one variant. Unique counts are distinct contacts with a HUMAN hit: proxy prefetches (Apple MPP,
/// Gmail) and scanners are counted apart and never in them. Push recipients' opens and clicks are their notifications'
/// <c>notification.ack</c> (opened, clicked): one per notification, from the user's own device, so human and unique.
/// </summary>
public sealed class CampaignTracking(HubDbContext db)
{
    public async Task<RunTrackingResult> ForRunAsync(Guid campaignId, int run, CancellationToken cancellationToken)
    {
        var hits =
            from h in db.TrackingHits.AsNoTracking()
            join r in db.CampaignRecipients.AsNoTracking() on (Guid?)h.MessageId equals r.MessageId
            where r.CampaignId == campaignId && r.Run == run
            select new { Variant = r.Variant ?? string.Empty, h.Kind, h.Classification, r.ContactId };
        var groups = await hits.GroupBy(h => new { h.Variant, h.Kind, h.Classification })
            .Select(g => new { g.Key.Variant, g.Key.Kind, g.Key.Classification, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var unique = await hits.Where(h => h.Classification == HitClassification.Human)
            .GroupBy(h => new { h.Variant, h.Kind })
            .Select(g => new { g.Key.Variant, g.Key.Kind, People = g.Select(h => h.ContactId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        var pushes = await (
                from r in db.CampaignRecipients.AsNoTracking()
                join n in db.Notifications.AsNoTracking() on r.MessageId equals (Guid?)n.Id
                where r.CampaignId == campaignId && r.Run == run && r.Channel == ChannelType.Push && n.OpenedAt != null
                select new { Variant = r.Variant ?? string.Empty, n.ClickedAt })
            .GroupBy(p => p.Variant)
            .Select(g => new { Variant = g.Key, Opened = g.Count(), Clicked = g.Count(p => p.ClickedAt != null) })
            .ToListAsync(cancellationToken);

        RunTracking Build(Func<string, bool> variant)
        {
            TrackingCounts For(TrackingHitKind kind)
            {
                var of = groups.Where(g => variant(g.Variant) && g.Kind == kind).ToList();
                int By(HitClassification c) => of.Where(g => g.Classification == c).Sum(g => g.Count);
                // A contact is in one variant of a run only, so per-variant people add up to the run's.
                var acked = pushes.Where(p => variant(p.Variant)).Sum(p => kind == TrackingHitKind.Open ? p.Opened : kind == TrackingHitKind.Click ? p.Clicked : 0);
                return new TrackingCounts(of.Sum(g => g.Count) + acked, By(HitClassification.Human) + acked,
                    unique.Where(u => variant(u.Variant) && u.Kind == kind).Sum(u => u.People) + acked, By(HitClassification.Machine), By(HitClassification.Scanner));
            }

            return new RunTracking(For(TrackingHitKind.Open), For(TrackingHitKind.Click), For(TrackingHitKind.Unsubscribe).UniqueHuman);
        }

        var variants = groups.Select(g => g.Variant).Concat(pushes.Select(p => p.Variant)).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new RunTrackingResult(Build(_ => true), variants.ToDictionary(v => v, v => Build(x => x == v), StringComparer.Ordinal));
    }
}
