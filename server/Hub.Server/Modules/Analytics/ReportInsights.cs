using System.Globalization;
using Hub.Core.Analytics;
using Hub.Server.Modules.Analytics.Api;
namespace Hub.Server.Modules.Analytics;

/// <summary>
/// Simple insights: the window's event total against the previous window of the same length (a trend when it moved
/// by 10 % or more), and buckets whose event count lies above the series' mean + 3·stddev (anomalies).
/// </summary>
public static class ReportInsights
{
    public static IReadOnlyList<ReportInsight> Find(long total, long previous, IReadOnlyList<SeriesPoint> series, bool hasEventCount)
    {
        ArgumentNullException.ThrowIfNull(series);
        var insights = new List<ReportInsight>();
        if (previous > 0)
        {
            var change = (double)(total - previous) / previous;
            if (Math.Abs(change) >= 0.10)
            {
                var direction = change > 0 ? "up" : "down";
                var percent = Math.Round(Math.Abs(change) * 100, 1).ToString(CultureInfo.InvariantCulture);
                insights.Add(new ReportInsight("trend", $"Events {direction} {percent}% vs the previous period",
                    $"{total} events in this window against {previous} in the window before it.",
                    Math.Abs(change) >= 0.5 ? "high" : Math.Abs(change) >= 0.25 ? "medium" : "low", 0.9,
                    [new { metric = AnalyticsMetrics.EventCount, current = total, previous, change }]));
            }
        }

        if (hasEventCount && series.Count >= 5)
        {
            var values = series.Select(p => p.Values[AnalyticsMetrics.EventCount] ?? 0).ToList();
            var threshold = AlertMath.AnomalyThreshold(values, 3);
            foreach (var point in series.Where(p => (p.Values[AnalyticsMetrics.EventCount] ?? 0) > threshold && threshold > 0))
            {
                insights.Add(new ReportInsight("anomaly", $"Unusual activity at {point.Start:yyyy-MM-dd HH:mm}Z",
                    $"{point.Values[AnalyticsMetrics.EventCount]} events, above the series' mean + 3 standard deviations ({threshold.ToString("0.##", CultureInfo.InvariantCulture)}).",
                    "medium", 0.8, [new { bucket_start = point.Start, event_count = point.Values[AnalyticsMetrics.EventCount], threshold }]));
            }
        }

        return insights;
    }
}
