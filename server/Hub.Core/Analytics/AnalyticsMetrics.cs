namespace Hub.Core.Analytics;

/// <summary>
/// The report metrics, each defined over the events of one bucket (or the whole window) that pass the report's
/// campaign and user filters:
/// <list type="bullet">
/// <item><c>event_count</c>: events whose type passes <c>filters.event_types</c> (all types when none are given).</item>
/// <item><c>user_count</c>: distinct users among those events (exact; events without a user don't count).</item>
/// <item><c>conversion_rate</c>: <c>notification_clicked / notification_sent</c> (click-through; human clicks only); null with no sends.</item>
/// <item><c>engagement_rate</c>: <c>notification_opened / notification_sent</c> (human opens only); null with no sends.</item>
/// <item><c>response_time</c>: mean seconds from a conversation's first inbound message to the first agent reply
/// (<c>first_response</c> events); null with none.</item>
/// <item><c>error_rate</c>: error events (<c>message_failed</c>, <c>message_bounced</c>, <c>rule_error</c>,
/// <c>campaign_failed</c>) / all events; null with no events. Ignores <c>filters.event_types</c>.</item>
/// </list>
/// Alerts may also use <c>bounce_rate</c>: <c>message_bounced / (message_sent + notification_sent)</c>.
/// </summary>
public static class AnalyticsMetrics
{
    public const string EventCount = "event_count";
    public const string UserCount = "user_count";
    public const string ConversionRate = "conversion_rate";
    public const string EngagementRate = "engagement_rate";
    public const string ResponseTime = "response_time";
    public const string ErrorRate = "error_rate";
    public const string BounceRate = "bounce_rate";

    /// <summary>The metrics a report may ask for, in the spec's order.</summary>
    public static readonly IReadOnlyList<string> Report = [EventCount, UserCount, ConversionRate, EngagementRate, ResponseTime, ErrorRate];

    /// <summary>The metrics an alert may watch.</summary>
    public static readonly IReadOnlyList<string> Alertable = [.. Report, BounceRate];

    /// <summary>The value of <paramref name="metric"/> over <paramref name="totals"/>.</summary>
    public static double? Compute(string metric, MetricTotals totals, IReadOnlySet<string>? eventTypes)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return metric switch
        {
            EventCount => totals.Counts.Where(c => eventTypes is null || eventTypes.Contains(c.Key)).Sum(c => c.Value),
            UserCount => totals.DistinctUsers,
            ConversionRate => Ratio(totals.Count(AnalyticsEventTypes.NotificationClicked), totals.Count(AnalyticsEventTypes.NotificationSent)),
            EngagementRate => Ratio(totals.Count(AnalyticsEventTypes.NotificationOpened), totals.Count(AnalyticsEventTypes.NotificationSent)),
            ResponseTime => totals.Values.TryGetValue(AnalyticsEventTypes.FirstResponse, out var v) && v.Count > 0 ? v.Sum / v.Count : null,
            ErrorRate => Ratio(totals.Counts.Where(c => AnalyticsEventTypes.Errors.Contains(c.Key)).Sum(c => c.Value), totals.Counts.Values.Sum()),
            BounceRate => Ratio(totals.Count(AnalyticsEventTypes.MessageBounced),
                totals.Count(AnalyticsEventTypes.MessageSent) + totals.Count(AnalyticsEventTypes.NotificationSent)),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
        };
    }

    private static double? Ratio(long numerator, long denominator) => denominator == 0 ? null : (double)numerator / denominator;
}

/// <summary>What a bucket (or window) holds: counts and value sums per event type, and its distinct users.</summary>
public sealed class MetricTotals
{
    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (double Sum, long Count)> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Distinct users among the events that pass the event-type filter.</summary>
    public long DistinctUsers { get; set; }

    public long Count(string eventType) => Counts.GetValueOrDefault(eventType);

    public void Add(string eventType, long count, double valueSum, long valueCount)
    {
        Counts[eventType] = Count(eventType) + count;
        if (valueCount > 0)
        {
            var (sum, n) = Values.GetValueOrDefault(eventType);
            Values[eventType] = (sum + valueSum, n + valueCount);
        }
    }
}
