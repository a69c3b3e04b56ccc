using System.Text.Json.Serialization;

namespace Hub.Core.Analytics;

/// <summary>
/// The spec's AnalyticsAlertMessage (<c>analytics.alert</c>), as listed by the API and pushed to agents.
/// <see cref="Status"/> says whether the alert was raised or cleared; a raise and its clear share <see cref="AlertId"/>.
/// </summary>
public sealed record AnalyticsAlertMessage(
    [property: JsonPropertyName("alert_id")] Guid AlertId,
    [property: JsonPropertyName("rule_id")] Guid RuleId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("alert_type")] string AlertType,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("current_value")] double CurrentValue,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("time_window")] string TimeWindow,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    /// <summary>The message of a stored alert event.</summary>
    public static AnalyticsAlertMessage From(AlertEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.AlertId, e.RuleId, e.State == AlertState.Raised ? "raised" : "cleared", e.AlertType, e.Severity.ToString().ToLowerInvariant(),
            e.Metric, e.CurrentValue, e.Threshold, e.TimeWindow, e.Title, e.Description, e.CreatedAt);
    }
}
