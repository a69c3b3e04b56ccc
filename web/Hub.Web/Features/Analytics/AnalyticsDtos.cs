namespace Hub.Web.Features.Analytics;

/// <summary>What the report builder sends to <c>POST /api/v1/analytics/reports</c> (the spec's AnalyticsReportRequest).</summary>
public sealed record ReportRequestDto(string ReportType, ReportTimeRangeDto TimeRange, IReadOnlyList<string> Metrics, ReportFiltersDto? Filters, string? Format = null);

/// <summary>The report's window and bucket size.</summary>
public sealed record ReportTimeRangeDto(DateTimeOffset Start, DateTimeOffset End, string Granularity);

/// <summary>Which events count; null lists are left out.</summary>
public sealed record ReportFiltersDto(IReadOnlyList<string>? EventTypes, IReadOnlyList<string>? UserIds, IReadOnlyList<Guid>? CampaignIds);

/// <summary>The report (the spec's AnalyticsReportReply).</summary>
public sealed record ReportReplyDto(
    Guid ReportId, string ReportType, ReportTimeRangeDto TimeRange, ReportSummaryDto Summary, IReadOnlyList<SeriesPointDto> Series,
    IReadOnlyList<ReportInsightDto> Insights, DateTimeOffset GeneratedAt);

/// <summary>Whole-window figures.</summary>
public sealed record ReportSummaryDto(long TotalEvents, long UniqueUsers, IReadOnlyDictionary<string, long> EventTypes, TopMetricsDto TopMetrics);

/// <summary>The spec's top metrics; null when the window has no denominator.</summary>
public sealed record TopMetricsDto(double? ConversionRate, double? EngagementRate, double? ErrorRate, double? ResponseTimeAvg);

/// <summary>One bucket and its values per metric.</summary>
public sealed record SeriesPointDto(DateTimeOffset Start, DateTimeOffset End, IReadOnlyDictionary<string, double?> Values);

/// <summary>A trend or anomaly the report noticed.</summary>
public sealed record ReportInsightDto(string Type, string Title, string Description, string Impact, double Confidence);

/// <summary>An alert rule (<c>GET /api/v1/analytics/alerts</c>).</summary>
public sealed record AlertRuleDto(Guid Id, string Name, string Kind, string Metric, string Comparison, double Threshold, string Window, string Severity, bool Firing);
