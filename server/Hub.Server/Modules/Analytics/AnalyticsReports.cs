using System.Globalization;
using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Analytics.Api;
using Hub.Server.Modules.Campaigns;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Analytics;

/// <summary>
/// Answers reports from the rollups only (<c>analytics_rollups</c>, and <c>analytics_bucket_users</c> for distinct
/// users and user filters): never from raw events, so the cost grows with buckets × event types, not with events.
/// Minute and hour reports read the minute and hour rollups; day, week and month reports read the day rollups.
/// A segment filter is answered from the per-user rows of the segment's contacts (membership evaluated now, active
/// contacts only, by contact id and external user id): exact, but slower than an unfiltered report, since the
/// audience is evaluated contact by contact and the query grows with the segment's size.
/// </summary>
public sealed class AnalyticsReports(HubDbContext db, AudienceQuery audience, TimeProvider clock)
{
    /// <summary>Field-named errors for segments that are neither a named segment nor a saved segment of this workspace.</summary>
    public async Task<Dictionary<string, string[]>> UnknownSegmentsAsync(ReportSegments segments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var errors = segments.Unknown.ToDictionary(u => u.Field,
            u => new[] { $"Unknown segment '{u.Value}': use {string.Join(", ", NamedSegments.All)} or a saved segment's id." });
        var ids = segments.Saved.Select(s => s.Id).Distinct().ToList();
        var found = ids.Count == 0 ? [] : await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var (field, id) in segments.Saved.Where(s => !found.Contains(s.Id)))
        {
            errors[field] = [$"No saved segment {id} in this workspace."];
        }

        return errors;
    }

    /// <summary>Runs <paramref name="query"/> in the current workspace.</summary>
    public async Task<ReportReply> RunAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var users = query.UserIds is { } ids ? await ResolveUsersAsync(ids, cancellationToken) : null;
        if (query.Segments is { } segments && await SegmentUsersAsync(segments, cancellationToken) is { } members)
        {
            users = users is null ? members : [.. users.Intersect(members, StringComparer.Ordinal)];
        }

        var source = Buckets.Source(query.Granularity);
        var rows = await CountsAsync(source, query.Start, query.End, query.Dimensions, users, cancellationToken);

        var buckets = new List<(DateTimeOffset Start, DateTimeOffset End, MetricTotals Totals)>();
        for (var at = query.Start; at < query.End; at = Buckets.Next(at, query.Granularity))
        {
            buckets.Add((at, Buckets.Next(at, query.Granularity), new MetricTotals()));
        }

        var index = buckets.Select((b, i) => (b.Start, i)).ToDictionary(x => x.Start, x => x.i);
        var window = new MetricTotals();
        foreach (var row in rows)
        {
            var bucket = Buckets.Floor(row.BucketStart, query.Granularity);
            if (index.TryGetValue(bucket, out var i))
            {
                buckets[i].Totals.Add(row.EventType, row.Count, row.ValueSum, row.ValueCount);
                window.Add(row.EventType, row.Count, row.ValueSum, row.ValueCount);
            }
        }

        if (query.Metrics.Contains(AnalyticsMetrics.UserCount))
        {
            var distinct = await DistinctUsersPerBucketAsync(query, source, users, buckets.Select(b => (b.Start, b.End)).ToList(), cancellationToken);
            for (var i = 0; i < buckets.Count; i++)
            {
                buckets[i].Totals.DistinctUsers = distinct[i];
            }
        }

        window.DistinctUsers = await DistinctUsersAsync(source, query.Start, query.End, query.Dimensions, query.EventTypes, users, cancellationToken);
        var series = buckets.Select(b => new SeriesPoint(b.Start, b.End,
            query.Metrics.ToDictionary(m => m, m => AnalyticsMetrics.Compute(m, b.Totals, query.EventTypes)))).ToList();

        var eventTypes = window.Counts.Where(c => query.EventTypes is null || query.EventTypes.Contains(c.Key))
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToDictionary(c => c.Key, c => c.Value);
        var total = eventTypes.Values.Sum();
        var summary = new ReportSummary(total, window.DistinctUsers, eventTypes, new TopMetrics(
            AnalyticsMetrics.Compute(AnalyticsMetrics.ConversionRate, window, null),
            AnalyticsMetrics.Compute(AnalyticsMetrics.EngagementRate, window, null),
            AnalyticsMetrics.Compute(AnalyticsMetrics.ErrorRate, window, null),
            AnalyticsMetrics.Compute(AnalyticsMetrics.ResponseTime, window, null)));

        var previousStart = query.Start - (query.End - query.Start);
        var previous = (await CountsAsync(source, previousStart, query.Start, query.Dimensions, users, cancellationToken))
            .Where(r => query.EventTypes is null || query.EventTypes.Contains(r.EventType)).Sum(r => r.Count);
        var insights = ReportInsights.Find(total, previous, series, query.Metrics.Contains(AnalyticsMetrics.EventCount));

        return new ReportReply(query.ReportId, query.ReportType,
            new ReportTimeRangeReply(query.Start, query.End, query.Granularity.ToString().ToLowerInvariant()),
            summary, series, insights, clock.GetUtcNow());
    }

    /// <summary>The CSV of a reply: one line per bucket, the metrics in the order asked; empty where a metric has no value.</summary>
    public static async IAsyncEnumerable<string> CsvLines(ReportReply reply, IReadOnlyList<string> metrics)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(metrics);
        yield return "bucket_start,bucket_end," + string.Join(',', metrics);
        foreach (var point in reply.Series)
        {
            await Task.Yield();
            yield return string.Create(CultureInfo.InvariantCulture, $"{point.Start:yyyy-MM-ddTHH:mm:ssZ},{point.End:yyyy-MM-ddTHH:mm:ssZ},")
                + string.Join(',', metrics.Select(m => point.Values[m] is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty));
        }
    }

    private sealed record CountRow(DateTimeOffset BucketStart, string EventType, long Count, double ValueSum, long ValueCount);

    private async Task<List<CountRow>> CountsAsync(BucketGranularity source, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string> dimensions, IReadOnlyList<string>? users, CancellationToken cancellationToken)
    {
        if (users is null)
        {
            return await db.AnalyticsRollups.AsNoTracking()
                .Where(r => r.Granularity == source && r.BucketStart >= start && r.BucketStart < end && dimensions.Contains(r.Dimension))
                .Select(r => new CountRow(r.BucketStart, r.EventType, r.Count, r.ValueSum, r.ValueCount))
                .ToListAsync(cancellationToken);
        }

        var grouped = await db.AnalyticsBucketUsers.AsNoTracking()
            .Where(r => r.Granularity == source && r.BucketStart >= start && r.BucketStart < end && dimensions.Contains(r.Dimension) && users.Contains(r.UserId))
            .GroupBy(r => new { r.BucketStart, r.EventType })
            .Select(g => new { g.Key.BucketStart, g.Key.EventType, Count = g.Sum(x => x.Count), ValueSum = g.Sum(x => x.ValueSum), ValueCount = g.Sum(x => x.ValueCount) })
            .ToListAsync(cancellationToken);
        return [.. grouped.Select(g => new CountRow(g.BucketStart, g.EventType, g.Count, g.ValueSum, g.ValueCount))];
    }

    private IQueryable<AnalyticsBucketUser> UserRows(BucketGranularity source, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyList<string> dimensions, IReadOnlySet<string>? eventTypes, IReadOnlyList<string>? users)
    {
        var rows = db.AnalyticsBucketUsers.AsNoTracking()
            .Where(r => r.Granularity == source && r.BucketStart >= start && r.BucketStart < end && dimensions.Contains(r.Dimension));
        if (eventTypes is not null)
        {
            var types = eventTypes.ToList();
            rows = rows.Where(r => types.Contains(r.EventType));
        }

        return users is null ? rows : rows.Where(r => users.Contains(r.UserId));
    }

    private Task<int> DistinctUsersAsync(BucketGranularity source, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<string> dimensions,
        IReadOnlySet<string>? eventTypes, IReadOnlyList<string>? users, CancellationToken cancellationToken) =>
        UserRows(source, start, end, dimensions, eventTypes, users).Select(r => r.UserId).Distinct().CountAsync(cancellationToken);

    private async Task<long[]> DistinctUsersPerBucketAsync(ReportQuery query, BucketGranularity source, IReadOnlyList<string>? users,
        List<(DateTimeOffset Start, DateTimeOffset End)> buckets, CancellationToken cancellationToken)
    {
        var result = new long[buckets.Count];
        if (query.Granularity is ReportGranularity.Week or ReportGranularity.Month)
        {
            // Distinct users don't add up across days: count each week or month on its own (≤ 260 buckets).
            for (var i = 0; i < buckets.Count; i++)
            {
                result[i] = await DistinctUsersAsync(source, buckets[i].Start, buckets[i].End, query.Dimensions, query.EventTypes, users, cancellationToken);
            }

            return result;
        }

        var counts = await UserRows(source, query.Start, query.End, query.Dimensions, query.EventTypes, users)
            .GroupBy(r => r.BucketStart)
            .Select(g => new { g.Key, Users = g.Select(x => x.UserId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        var at = counts.ToDictionary(c => c.Key, c => c.Users);
        for (var i = 0; i < buckets.Count; i++)
        {
            result[i] = at.GetValueOrDefault(buckets[i].Start);
        }

        return result;
    }

    /// <summary>
    /// The users of the segments' contacts: contact ids and external user ids (events carry the contact id when Hub
    /// knows the contact, else the customer's user id); null when <c>all_users</c> is among them (no restriction).
    /// </summary>
    private async Task<IReadOnlyList<string>?> SegmentUsersAsync(ReportSegments segments, CancellationToken cancellationToken)
    {
        if (segments.Named.Contains(NamedSegments.AllUsers))
        {
            return null;
        }

        var filters = new List<SegmentFilter>();
        if (segments.Named.Count > 0)
        {
            filters.Add(new SegmentFilter { UserSegments = [.. segments.Named] });
        }

        var ids = segments.Saved.Select(s => s.Id).Distinct().ToList();
        if (ids.Count > 0)
        {
            filters.AddRange(await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Filter).ToListAsync(cancellationToken));
        }

        var users = new List<string>();
        await foreach (var batch in audience.BatchesAsync(filters, 1000, cancellationToken))
        {
            foreach (var contact in batch)
            {
                users.Add(contact.Id.ToString());
                if (contact.ExternalId is { Length: > 0 } external)
                {
                    users.Add(external);
                }
            }
        }

        return users;
    }

    /// <summary>The ids the filter names, plus the contact ids of contacts whose external id is among them.</summary>
    private async Task<IReadOnlyList<string>> ResolveUsersAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var external = ids.ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.ExternalId != null && external.Contains(c.ExternalId))
            .Select(c => c.Id).ToListAsync(cancellationToken);
        return [.. ids.Concat(contacts.Select(c => c.ToString())).Distinct()];
    }
}
