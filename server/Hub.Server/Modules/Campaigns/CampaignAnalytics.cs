using Hub.Data.Analytics;
using Hub.Core.Analytics;
using Hub.Data;
namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// The campaign analytics events whose status changes are bulk updates (so the analytics interceptor never sees
/// them): <c>campaign_executed</c> when a run starts, <c>campaign_completed</c>, <c>campaign_failed</c>. Added to the
/// caller's context; the caller saves them in the transaction of the status change.
/// </summary>
internal static class CampaignAnalytics
{
    public static void Record(HubDbContext db, Guid workspaceId, Guid campaignId, string eventType, DateTimeOffset at, string? error = null)
    {
        var data = new Dictionary<string, System.Text.Json.JsonElement> { ["campaign_id"] = AnalyticsRecorder.Json(campaignId) };
        if (error is not null)
        {
            data["error"] = AnalyticsRecorder.Json(error);
        }

        AnalyticsRecorder.Record(db, new AnalyticsRecord(workspaceId, AnalyticsEventTypes.CampaignFamily, eventType, "hub.campaigns", at)
        {
            CampaignId = campaignId,
            Data = data,
        });
    }
}
