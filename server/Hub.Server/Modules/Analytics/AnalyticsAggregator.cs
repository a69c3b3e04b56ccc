using Hub.Core.Analytics;
using Hub.Data;
using Hub.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Analytics;

/// <summary>
/// Folds analytics events into the minute / hour / day rollups and the per-user bucket rows, incrementally:
/// each batch claims its events (marks them rolled up) and adds their counts with
/// <c>INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count</c> in ONE transaction, so every event is
/// counted exactly once whatever crashes. One aggregator at a time (a process lock, and an advisory lock on
/// PostgreSQL across nodes).
/// </summary>
public sealed class AnalyticsAggregator(IServiceScopeFactory scopes, IOptions<AnalyticsOptions> options, TimeProvider clock)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly DateTimeOffsetToBinaryConverter SqliteTime = new();
    private static readonly BucketGranularity[] Granularities = [BucketGranularity.Minute, BucketGranularity.Hour, BucketGranularity.Day];

    /// <summary>Folds every waiting event; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        await Gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var folded = await FoldBatchAsync(cancellationToken);
                total += folded;
                if (folded < options.Value.AggregationBatchSize)
                {
                    return total;
                }
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<int> FoldBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var sqlite = db is SqliteHubDbContext;
        await using var change = await work.BeginAsync(cancellationToken);
        if (!sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7310042017)", cancellationToken);
        }

        var batch = await db.AnalyticsEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.RolledUpAt == null).OrderBy(e => e.Id).Take(options.Value.AggregationBatchSize)
            .Select(e => new { e.Id, e.WorkspaceId, e.EventType, e.OccurredAt, e.UserId, e.CampaignId, e.Value })
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var ids = batch.Select(e => e.Id).ToList();
        var now = clock.GetUtcNow();
        var claimed = await db.AnalyticsEvents.IgnoreQueryFilters().Where(e => ids.Contains(e.Id) && e.RolledUpAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.RolledUpAt, now), cancellationToken);
        if (claimed != ids.Count)
        {
            await change.RollbackAsync(cancellationToken);
            return ids.Count; // another node took some of them; the caller loops and tries again
        }

        var rollups = new Dictionary<(Guid, BucketGranularity, DateTimeOffset, string, string), Counter>();
        var users = new Dictionary<(Guid, BucketGranularity, DateTimeOffset, string, string, string), Counter>();
        foreach (var e in batch)
        {
            string[] dimensions = e.CampaignId is { } campaign ? [AnalyticsDimensions.All, AnalyticsDimensions.Campaign(campaign)] : [AnalyticsDimensions.All];
            foreach (var granularity in Granularities)
            {
                var bucket = Buckets.Floor(e.OccurredAt, granularity);
                foreach (var dimension in dimensions)
                {
                    Add(rollups, (e.WorkspaceId, granularity, bucket, e.EventType, dimension), e.Value);
                    if (e.UserId is { } user)
                    {
                        Add(users, (e.WorkspaceId, granularity, bucket, e.EventType, dimension, user), e.Value);
                    }
                }
            }
        }

        foreach (var ((workspace, granularity, bucket, type, dimension), c) in rollups)
        {
            var at = sqlite ? SqliteTime.ConvertToProvider(bucket)! : bucket;
            var name = granularity.ToString();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO analytics_rollups ("WorkspaceId", "Granularity", "BucketStart", "EventType", "Dimension", "Count", "ValueSum", "ValueCount")
                VALUES ({workspace}, {name}, {at}, {type}, {dimension}, {c.Count}, {c.ValueSum}, {c.ValueCount})
                ON CONFLICT ("WorkspaceId", "Granularity", "BucketStart", "EventType", "Dimension") DO UPDATE SET
                  "Count" = analytics_rollups."Count" + excluded."Count",
                  "ValueSum" = analytics_rollups."ValueSum" + excluded."ValueSum",
                  "ValueCount" = analytics_rollups."ValueCount" + excluded."ValueCount"
                """, cancellationToken);
        }

        foreach (var ((workspace, granularity, bucket, type, dimension, user), c) in users)
        {
            var at = sqlite ? SqliteTime.ConvertToProvider(bucket)! : bucket;
            var name = granularity.ToString();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO analytics_bucket_users ("WorkspaceId", "Granularity", "BucketStart", "EventType", "Dimension", "UserId", "Count", "ValueSum", "ValueCount")
                VALUES ({workspace}, {name}, {at}, {type}, {dimension}, {user}, {c.Count}, {c.ValueSum}, {c.ValueCount})
                ON CONFLICT ("WorkspaceId", "Granularity", "BucketStart", "EventType", "Dimension", "UserId") DO UPDATE SET
                  "Count" = analytics_bucket_users."Count" + excluded."Count",
                  "ValueSum" = analytics_bucket_users."ValueSum" + excluded."ValueSum",
                  "ValueCount" = analytics_bucket_users."ValueCount" + excluded."ValueCount"
                """, cancellationToken);
        }

        await change.CommitAsync(cancellationToken);
        return batch.Count;
    }

    private static void Add<TKey>(Dictionary<TKey, Counter> into, TKey key, double? value)
        where TKey : notnull
    {
        if (!into.TryGetValue(key, out var counter))
        {
            into[key] = counter = new Counter();
        }

        counter.Count++;
        if (value is { } v)
        {
            counter.ValueSum += v;
            counter.ValueCount++;
        }
    }

    private sealed class Counter
    {
        public long Count { get; set; }

        public double ValueSum { get; set; }

        public long ValueCount { get; set; }
    }
}
