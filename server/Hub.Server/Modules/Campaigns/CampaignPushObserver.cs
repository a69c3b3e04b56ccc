using System.Text.Json;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Server.Modules.Notifications;

namespace Hub.Server.Modules.Campaigns;

/// <summary>Counts a campaign push's first open and first click on the campaign's live stats.</summary>
public sealed class CampaignPushObserver(CampaignLive live) : INotificationAckObserver
{
    public void Acknowledged(Notification notification, bool firstOpen, bool firstClick)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Data.TryGetValue(CampaignMetadata.CampaignId, out var campaign) && campaign.ValueKind == JsonValueKind.String
            && campaign.TryGetGuid(out var campaignId))
        {
            live.Count(notification.WorkspaceId, campaignId, CampaignAnalyticsTypes.Opened, human: true, firstOpen ? 1 : 0);
            live.Count(notification.WorkspaceId, campaignId, CampaignAnalyticsTypes.Clicked, human: true, firstClick ? 1 : 0);
        }
    }
}
