using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>What an unsubscribe request did.</summary>
public enum UnsubscribeOutcome
{
    /// <summary>The contact was subscribed to email and is not any more.</summary>
    Unsubscribed,

    /// <summary>Already unsubscribed: nothing changed (a repeated one-click POST).</summary>
    AlreadyUnsubscribed,

    /// <summary>The message (or its contact) is gone.</summary>
    UnknownMessage,
}

/// <summary>
/// Unsubscribes the recipient of a message from email (RFC 8058 one-click or the confirmation page's button):
/// their preferences say <c>email: subscribed = false</c>, and an <c>unsubscribed</c> event and an unsubscribe hit
/// are recorded once. Idempotent: a repeat changes and records nothing.
/// </summary>
public sealed class Unsubscriber(HubDbContext db, ScopedWorkspaceContext workspace, CampaignLive live, TimeProvider clock)
{
    public const string EmailChannel = "email";

    public async Task<UnsubscribeOutcome> UnsubscribeAsync(Guid workspaceId, Guid messageId, string? ipAddress, string? userAgent, CancellationToken cancellationToken)
    {
        workspace.Use(workspaceId);
        try
        {
            return await TryUnsubscribeAsync(workspaceId, messageId, ipAddress, userAgent, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A parallel request created the preferences row first: look again, it decides.
            db.ChangeTracker.Clear();
            return await TryUnsubscribeAsync(workspaceId, messageId, ipAddress, userAgent, cancellationToken);
        }
    }

    private async Task<UnsubscribeOutcome> TryUnsubscribeAsync(Guid workspaceId, Guid messageId, string? ipAddress, string? userAgent, CancellationToken cancellationToken)
    {
        var message = await (
                from m in db.Messages.AsNoTracking()
                join c in db.Conversations on m.ConversationId equals c.Id
                join contact in db.Contacts on c.ContactId equals contact.Id
                where m.Id == messageId && m.Direction == MessageDirection.Outbound
                select new { m.Metadata, ContactId = contact.Id, contact.ExternalId })
            .FirstOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return UnsubscribeOutcome.UnknownMessage;
        }

        var now = clock.GetUtcNow();
        var preferences = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.ContactId == message.ContactId, cancellationToken);
        if (preferences is null)
        {
            preferences = new NotificationPreferences { ContactId = message.ContactId, WorkspaceId = workspaceId };
            db.NotificationPreferences.Add(preferences);
        }

        var consent = preferences.Channels.GetValueOrDefault(EmailChannel) ?? new ChannelConsent();
        if (!consent.Subscribed)
        {
            return UnsubscribeOutcome.AlreadyUnsubscribed;
        }

        // Reachability is the bounce handler's business: a hard-bounced address stays unreachable.
        preferences.Channels = new Dictionary<string, ChannelConsent>(preferences.Channels) { [EmailChannel] = consent with { Subscribed = false } };
        preferences.UpdatedAt = now;

        var campaignId = message.Metadata.TryGetValue("campaign_id", out var campaign) && campaign.ValueKind == JsonValueKind.String
            && Guid.TryParse(campaign.GetString(), out var parsed) ? parsed : (Guid?)null;
        var properties = new Dictionary<string, JsonElement>
        {
            ["channel"] = JsonSerializer.SerializeToElement(EmailChannel),
            ["message_id"] = JsonSerializer.SerializeToElement(messageId),
        };
        if (campaignId is { } id)
        {
            properties["campaign_id"] = JsonSerializer.SerializeToElement(id);
        }

        db.Events.Add(new TrackedEvent
        {
            UserId = message.ExternalId ?? message.ContactId.ToString(),
            ContactId = message.ContactId,
            EventType = "unsubscribed",
            OccurredAt = now,
            ReceivedAt = now,
            Properties = properties,
            Evaluation = EventEvaluation.NotEvaluated,
            EvaluatedAt = now,
        });
        db.TrackingHits.Add(new TrackingHit
        {
            MessageId = messageId,
            CampaignId = campaignId,
            ContactId = message.ContactId,
            Kind = TrackingHitKind.Unsubscribe,
            IpAddress = TextCut.CutOrNull(ipAddress, 64),
            UserAgent = TextCut.CutOrNull(userAgent, 512),
            // Only a POST gets here, which link scanners don't send: a person or their mailbox's one-click button.
            Classification = HitClassification.Human,
            Reason = "one_click_post",
            OccurredAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        if (campaignId is { } watched)
        {
            live.Count(workspaceId, watched, CampaignAnalyticsTypes.Unsubscribed, human: true);
        }

        return UnsubscribeOutcome.Unsubscribed;
    }
}
