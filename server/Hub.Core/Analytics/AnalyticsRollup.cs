using Hub.Core.Workspaces;

namespace Hub.Core.Analytics;

/// <summary>
/// Events of one type counted in one bucket (minute, hour or day) and one dimension (<c>""</c> = all, or a campaign
/// id), kept up to date incrementally by the aggregator. Reports sum these rows and never read raw events.
/// </summary>
public sealed class AnalyticsRollup : IWorkspaceOwned
{
    public Guid WorkspaceId { get; set; }

    public BucketGranularity Granularity { get; set; }

    /// <summary>The bucket's start (UTC, aligned to <see cref="Granularity"/>).</summary>
    public DateTimeOffset BucketStart { get; set; }

    public required string EventType { get; set; }

    /// <summary><c>""</c> for every event of the type, or <see cref="AnalyticsDimensions.Campaign"/> for one campaign's.</summary>
    public required string Dimension { get; set; }

    public long Count { get; set; }

    /// <summary>The sum of the events' values (e.g. response seconds) and how many had one.</summary>
    public double ValueSum { get; set; }

    public long ValueCount { get; set; }
}

/// <summary>
/// The same counters per user: one row per (bucket, event type, dimension, user). Distinct users and per-user
/// filters are exact because they are counted from these rows, at the price of one row per active user per bucket
/// (see the report's docs for the trade-off against a HyperLogLog sketch).
/// </summary>
public sealed class AnalyticsBucketUser : IWorkspaceOwned
{
    public Guid WorkspaceId { get; set; }

    public BucketGranularity Granularity { get; set; }

    public DateTimeOffset BucketStart { get; set; }

    public required string EventType { get; set; }

    public required string Dimension { get; set; }

    public required string UserId { get; set; }

    public long Count { get; set; }

    public double ValueSum { get; set; }

    public long ValueCount { get; set; }
}

/// <summary>The bucket sizes rollups are kept at; weeks and months are summed from days.</summary>
public enum BucketGranularity
{
    Minute,
    Hour,
    Day,
}

/// <summary>Rollup dimensions.</summary>
public static class AnalyticsDimensions
{
    /// <summary>Every event of the type, whatever its campaign.</summary>
    public const string All = "";

    /// <summary>The dimension of one campaign's events.</summary>
    public static string Campaign(Guid campaignId) => campaignId.ToString("N");
}
