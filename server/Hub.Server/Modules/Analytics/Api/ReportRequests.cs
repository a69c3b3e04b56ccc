using Hub.Core.Analytics;

namespace Hub.Server.Modules.Analytics.Api;

/// <summary>The spec's AnalyticsReportRequest.</summary>
public sealed record ReportRequest
{
    /// <summary>Echoed back; a new one is made when absent.</summary>
    public Guid? ReportId { get; init; }

    /// <summary>user_activity, notification_performance, campaign_effectiveness, system_health or custom.</summary>
    public string? ReportType { get; init; }

    public ReportTimeRange? TimeRange { get; init; }

    /// <summary>event_count, user_count, conversion_rate, engagement_rate, response_time, error_rate; all when empty.</summary>
    public List<string>? Metrics { get; init; }

    public ReportFilters? Filters { get; init; }

    /// <summary>json (default) or csv.</summary>
    public string? Format { get; init; }

    /// <summary>Ignored (the spec's request timestamp).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>The window, widened to whole buckets of <see cref="Granularity"/> (UTC).</summary>
public sealed record ReportTimeRange
{
    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>minute, hour, day, week or month.</summary>
    public string? Granularity { get; init; }
}

/// <summary>Which events count.</summary>
public sealed record ReportFilters
{
    public List<Guid>? CampaignIds { get; init; }

    public List<string>? EventTypes { get; init; }

    /// <summary>Customers' user ids or Hub contact ids.</summary>
    public List<string>? UserIds { get; init; }

    /// <summary>
    /// The spec's named segments (all_users, new_users, active_users, inactive_users, premium_users, free_users) or
    /// saved segment ids: only events of contacts in at least one of them count (membership as of now).
    /// </summary>
    public List<string>? UserSegments { get; init; }

    /// <summary>One named segment or saved segment id; the same as a one-entry <see cref="UserSegments"/> (both: any of them).</summary>
    public string? Segment { get; init; }
}

/// <summary>The spec's AnalyticsReportReply, with the series per bucket.</summary>
public sealed record ReportReply(
    Guid ReportId,
    string ReportType,
    ReportTimeRangeReply TimeRange,
    ReportSummary Summary,
    IReadOnlyList<SeriesPoint> Series,
    IReadOnlyList<ReportInsight> Insights,
    DateTimeOffset GeneratedAt);

/// <summary>The window actually reported (aligned to the granularity).</summary>
public sealed record ReportTimeRangeReply(DateTimeOffset Start, DateTimeOffset End, string Granularity);

/// <summary>Whole-window figures.</summary>
public sealed record ReportSummary(long TotalEvents, long UniqueUsers, IReadOnlyDictionary<string, long> EventTypes, TopMetrics TopMetrics);

/// <summary>The spec's top metrics; null where the metric has no denominator in the window.</summary>
public sealed record TopMetrics(double? ConversionRate, double? EngagementRate, double? ErrorRate, double? ResponseTimeAvg);

/// <summary>One bucket: [start, end) and the requested metrics' values.</summary>
public sealed record SeriesPoint(DateTimeOffset Start, DateTimeOffset End, IReadOnlyDictionary<string, double?> Values);

/// <summary>A simple insight (trend vs the previous period, or an anomalous bucket).</summary>
public sealed record ReportInsight(string Type, string Title, string Description, string Impact, double Confidence, IReadOnlyList<object> DataPoints);

/// <summary>A validated report request.</summary>
public sealed record ReportQuery(
    Guid ReportId,
    string ReportType,
    DateTimeOffset Start,
    DateTimeOffset End,
    ReportGranularity Granularity,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<string> Dimensions,
    IReadOnlySet<string>? EventTypes,
    IReadOnlyList<string>? UserIds,
    bool Csv)
{
    /// <summary>Named segments and saved segment ids whose contacts' events count; null: everyone.</summary>
    public ReportSegments? Segments { get; init; }
}

/// <summary>
/// The segments a report is restricted to (the contacts in any of them), each with the request field that named it;
/// <see cref="Unknown"/> are names that are neither a named segment nor an id (answered 422 with their fields).
/// </summary>
public sealed record ReportSegments(
    IReadOnlyList<string> Named,
    IReadOnlyList<(string Field, Guid Id)> Saved,
    IReadOnlyList<(string Field, string Value)> Unknown);
