using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// Moves a campaign recipient's ledger row with its message: sent when the provider took it, failed when delivery
/// gave up or it bounced. A failure after a send wins (a bounce is news); a late "sent" never undoes a failure.
/// </summary>
public sealed class CampaignLedgerObserver(HubDbContext db, CampaignLive live, TimeProvider clock) : IMessageStatusObserver
{
    public async Task OnStatusAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.Metadata.TryGetValue(CampaignMetadata.RecipientId, out var idElement) || idElement.ValueKind != JsonValueKind.String
            || !idElement.TryGetGuid(out var recipientId))
        {
            return;
        }

        var now = clock.GetUtcNow();
        switch (message.Status)
        {
            case MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Read:
                var sent = await db.CampaignRecipients.Where(r => r.Id == recipientId && r.State == RecipientState.Queued)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Sent).SetProperty(r => r.SentAt, message.SentAt ?? now)
                        .SetProperty(r => r.UpdatedAt, now), cancellationToken);
                Tell(message, sent, CampaignAnalyticsTypes.Sent);
                break;
            case MessageStatus.Failed or MessageStatus.Bounced:
                var reason = message.Status == MessageStatus.Bounced ? SkipReasons.Bounced : SkipReasons.DeliveryFailed;
                var detail = TextCut.CutOrNull(message.FailureReason, 1000);
                var failed = await db.CampaignRecipients.Where(r => r.Id == recipientId && (r.State == RecipientState.Queued || r.State == RecipientState.Sent))
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Failed).SetProperty(r => r.Reason, reason)
                        .SetProperty(r => r.Detail, detail).SetProperty(r => r.FailedAt, now).SetProperty(r => r.UpdatedAt, now), cancellationToken);
                Tell(message, failed, CampaignAnalyticsTypes.Failed);
                break;
        }
    }

    /// <summary>The ledger moved: the campaign's watchers hear of it in the next live roll-up.</summary>
    private void Tell(Message message, int moved, string type)
    {
        if (moved > 0 && message.Metadata.TryGetValue(CampaignMetadata.CampaignId, out var campaign) && campaign.ValueKind == JsonValueKind.String
            && campaign.TryGetGuid(out var campaignId))
        {
            live.Count(message.WorkspaceId, campaignId, type, human: false, moved);
        }
    }
}
