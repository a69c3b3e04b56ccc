using System.Text.Json.Serialization;

namespace Hub.Core.Realtime;

/// <summary><c>campaign.watch</c> / <c>campaign.unwatch</c>: which campaign's live group to join or leave.</summary>
public sealed record CampaignRef(Guid CampaignId);

/// <summary>The spec's CampaignStatusUpdate progress: sent, failed, total targets, success rate (sent / (sent + failed)).</summary>
public sealed record CampaignProgressPayload(
    [property: JsonPropertyName("sent")] int Sent,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("total_targets")] int TotalTargets,
    [property: JsonPropertyName("success_rate")] double SuccessRate);

/// <summary>Why a campaign failed (the spec's <c>error</c>).</summary>
public sealed record CampaignErrorPayload(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>
/// <c>campaign.status</c>: the product's CampaignStatusUpdateMessage, field for field. <c>execution_id</c> names the
/// campaign's run; <c>status</c> is one of pending (draft, scheduled), running, paused, completed, failed, cancelled.
/// </summary>
public sealed record CampaignStatusUpdateMessage(
    [property: JsonPropertyName("campaign_id")] Guid CampaignId,
    [property: JsonPropertyName("execution_id")] Guid ExecutionId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("progress")] CampaignProgressPayload Progress,
    [property: JsonPropertyName("error")] CampaignErrorPayload? Error,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>
/// <c>campaign.analytics</c>: the product's CampaignAnalyticsEventMessage, aggregated. <c>event_type</c> is
/// <c>aggregate</c> for a roll-up of everything since the previous one (<c>counts</c>: per spec event type —
/// notification_sent, notification_failed, notification_opened, notification_clicked, notification_unsubscribed —
/// and <c>human</c>: the part of those counts that people made), or <c>ab_winner_decided</c> with the decision in
/// <c>metadata</c>.
/// </summary>
public sealed record CampaignAnalyticsEventMessage(
    [property: JsonPropertyName("campaign_id")] Guid CampaignId,
    [property: JsonPropertyName("event_id")] Guid EventId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("execution_id")] Guid ExecutionId,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("since")] DateTimeOffset? Since,
    [property: JsonPropertyName("counts")] IReadOnlyDictionary<string, int> Counts,
    [property: JsonPropertyName("human")] IReadOnlyDictionary<string, int> Human,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, object?> Metadata);

/// <summary>The <c>event_type</c> values and <c>counts</c> keys of <see cref="CampaignAnalyticsEventMessage"/>.</summary>
public static class CampaignAnalyticsTypes
{
    public const string Aggregate = "aggregate";
    public const string AbWinnerDecided = "ab_winner_decided";
    public const string Sent = "notification_sent";
    public const string Failed = "notification_failed";
    public const string Opened = "notification_opened";
    public const string Clicked = "notification_clicked";
    public const string Unsubscribed = "notification_unsubscribed";
}
