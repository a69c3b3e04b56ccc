using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary>
/// The spec's EmailTrackingEvent: an open, click or unsubscribe (a tracking hit, with what Hub made of it), or a
/// sent, failed or bounced recipient (from the ledger; <c>id</c> is then the ledger row's and <c>classification</c> null).
/// </summary>
public sealed record EmailTrackingEvent(
    Guid Id, Guid CampaignId, Guid? MessageId, string? RecipientEmail, string EventType, string? IpAddress, string? UserAgent, string? Url,
    HitClassification? Classification, Dictionary<string, string?> Metadata, DateTimeOffset CreatedAt);

/// <summary><c>/{id}/events</c> (tracking and delivery events, newest first) and <c>/{id}/ab/decide</c>.</summary>
public static class CampaignEventsApi
{
    private static readonly string[] EventTypes = ["open", "click", "unsubscribe", "sent", "failed", "bounced"];

    public static RouteGroupBuilder MapCampaignEventsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/{id:guid}/events", EventsAsync).WithName("CampaignEvents");
        group.MapPost("/{id:guid}/ab/decide", DecideAsync).WithName("DecideCampaignAbTest");
        return group;
    }

    internal static async Task<Results<Ok<Page<EmailTrackingEvent>>, ValidationProblem, ProblemHttpResult>> EventsAsync(
        Guid id, [FromQuery(Name = "event_type")] string? eventType, string? classification, int? limit, string? cursor, HubDbContext db,
        CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var type = eventType?.Trim().ToLowerInvariant();
        if (type is { Length: > 0 } && !EventTypes.Contains(type))
        {
            return Problems.Invalid("event_type", $"event_type must be one of {string.Join(", ", EventTypes)}.");
        }

        if (!QueryEnum.TryParse<HitClassification>(classification, out var wanted))
        {
            return Problems.Invalid("classification", $"classification must be one of {QueryEnum.Allowed<HitClassification>()}.");
        }

        DateTimeOffset at = default;
        Guid after = default;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out at, out after))
        {
            return Problems.Invalid("cursor", "cursor is not one this API returned.");
        }

        if (!await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("Campaign");
        }

        var paged = cursor is not null;
        var events = new List<EmailTrackingEvent>();
        bool Wants(string t) => string.IsNullOrEmpty(type) || type == t;

        var kinds = new[] { TrackingHitKind.Open, TrackingHitKind.Click, TrackingHitKind.Unsubscribe }
            .Where(k => Wants(k.ToString().ToLowerInvariant())).ToList();
        if (kinds.Count > 0)
        {
            var hits = db.TrackingHits.AsNoTracking().Where(h => h.CampaignId == id && kinds.Contains(h.Kind));
            if (wanted is { } c)
            {
                hits = hits.Where(h => h.Classification == c);
            }

            if (paged)
            {
                hits = hits.Where(h => h.OccurredAt < at || (h.OccurredAt == at && h.Id.CompareTo(after) < 0));
            }

            var rows = await (
                    from h in hits.OrderByDescending(h => h.OccurredAt).ThenByDescending(h => h.Id).Take(take + 1)
                    join r in db.CampaignRecipients.AsNoTracking() on (Guid?)h.MessageId equals r.MessageId into ledger
                    from r in ledger.DefaultIfEmpty()
                    select new { Hit = h, Address = r == null ? null : r.Address, Variant = r == null ? null : r.Variant })
                .ToListAsync(cancellationToken);
            events.AddRange(rows.Select(x => new EmailTrackingEvent(
                x.Hit.Id, id, x.Hit.MessageId, x.Address, x.Hit.Kind.ToString().ToLowerInvariant(), x.Hit.IpAddress, x.Hit.UserAgent, x.Hit.Url,
                x.Hit.Classification, new Dictionary<string, string?> { ["reason"] = x.Hit.Reason, ["variant"] = x.Variant }, x.Hit.OccurredAt)));
        }

        // Delivery events have no classification: a filter by it asks for tracking hits only.
        if (wanted is null)
        {
            var ledger = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id);
            if (Wants("sent"))
            {
                var sent = ledger.Where(r => r.SentAt != null);
                if (paged)
                {
                    sent = sent.Where(r => r.SentAt < at || (r.SentAt == at && r.Id.CompareTo(after) < 0));
                }

                var rows = await sent.OrderByDescending(r => r.SentAt).ThenByDescending(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
                events.AddRange(rows.Select(r => LedgerEvent(r, "sent", r.SentAt!.Value)));
            }

            foreach (var failure in new[] { "failed", "bounced" }.Where(Wants))
            {
                var bounced = failure == "bounced";
                var failed = ledger.Where(r => r.State == RecipientState.Failed && r.FailedAt != null && (r.Reason == SkipReasons.Bounced) == bounced);
                if (paged)
                {
                    failed = failed.Where(r => r.FailedAt < at || (r.FailedAt == at && r.Id.CompareTo(after) < 0));
                }

                var rows = await failed.OrderByDescending(r => r.FailedAt).ThenByDescending(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
                events.AddRange(rows.Select(r => LedgerEvent(r, failure, r.FailedAt!.Value)));
            }
        }

        // Each source is newest first past the cursor: the newest of their union are the page.
        var page = events.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(take + 1).ToList();
        var next = page.Count > take ? PageCursor.Encode(page[take - 1].CreatedAt, page[take - 1].Id) : null;
        return TypedResults.Ok(new Page<EmailTrackingEvent>([.. page.Take(take)], next));
    }

    /// <summary>Marketing's override: decide the A/B test of the current run now, whatever the wait says.</summary>
    internal static async Task<Results<Ok<AbTestResult>, ProblemHttpResult>> DecideAsync(
        Guid id, HubDbContext db, AbWinnerDecider decider, CampaignWake wake, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        if (campaign.Variants is not { IsEnabled: true, TestPercent: not null })
        {
            return Problems.Conflict("The campaign has no A/B test cohort (variants with test_percent) to decide.");
        }

        if (campaign.CurrentRun == 0 || campaign.ExpandedAt is null || campaign.Status is not (CampaignStatus.Running or CampaignStatus.Paused))
        {
            return Problems.Conflict("The A/B test is decided once its run has started sending; start the campaign first.");
        }

        if (campaign.AbDecidedRun == campaign.CurrentRun)
        {
            return Problems.Conflict($"This run's winner is decided already: {campaign.AbTest.Winner}.");
        }

        var result = await decider.DecideAsync(campaign, forced: true, cancellationToken);
        if (result is null)
        {
            return Problems.Conflict("The winner was decided meanwhile; reload the campaign.");
        }

        await wake.WakeAsync(cancellationToken);
        return TypedResults.Ok(result);
    }

    private static EmailTrackingEvent LedgerEvent(CampaignRecipient r, string type, DateTimeOffset at) => new(
        r.Id, r.CampaignId, r.MessageId, r.Address, type, null, null, null, null,
        new Dictionary<string, string?> { ["reason"] = r.Reason, ["variant"] = r.Variant, ["detail"] = r.Detail }, at);
}
