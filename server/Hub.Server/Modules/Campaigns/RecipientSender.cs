using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Notifications;

namespace Hub.Server.Modules.Campaigns;

/// <summary>What became of one claimed recipient.</summary>
public enum RecipientOutcome
{
    /// <summary>Not sent, with the reason on the row.</summary>
    Skipped,

    /// <summary>Waits (quiet hours) on the channel chosen for it.</summary>
    Deferred,

    /// <summary>Its message and outbox row are written: delivery takes it after the commit.</summary>
    Queued,

    /// <summary>Its push notification is stored (and on the user's stream); devices get it after the commit.</summary>
    Pushed,
}

/// <summary>
/// Sends one claimed ledger row, inside the batch's open transaction: applies the checks' verdict, renders the
/// message (<see cref="CampaignComposer"/>) and hands it to the <see cref="OutboundWriter"/> (email, SMS, WhatsApp:
/// message + outbox row, refused when the writer finds no address or a suppression) or, for push, to the
/// <see cref="NotificationCenter"/>. The row moves in the same transaction, so it is queued exactly when its message is.
/// </summary>
public sealed class RecipientSender(CampaignComposer composer, OutboundWriter writer, NotificationCenter notifications)
{
    public async Task<RecipientOutcome> SendAsync(Campaign campaign, IReadOnlyList<ChannelType> channels, CampaignRecipient row, Contact contact,
        RecipientVerdict verdict, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(verdict);
        verdict.ApplyTo(row, now);
        if (verdict.State == RecipientState.Skipped)
        {
            return RecipientOutcome.Skipped;
        }

        var channel = verdict.Channel ?? channels[0];
        row.Channel = channel;
        if (verdict.State == RecipientState.Deferred)
        {
            return RecipientOutcome.Deferred;
        }

        var composed = await composer.ComposeAsync(campaign, row, contact, channel, cancellationToken);
        var metadata = CampaignMetadata.Of(row);
        if (channel == ChannelType.Push)
        {
            // Stored (and appended to the user's stream) in this change; pushed to devices after its commit.
            var notification = await notifications.QueueAsync(campaign.WorkspaceId, new PushRequest(contact.Id, contact.ExternalId!, composed.Subject ?? campaign.Name, composed.Text)
            {
                Data = metadata,
                Category = campaign.Category,
                Fallback = false,
            }, cancellationToken);
            row.Send(notification.Id, channel, contact.ExternalId, now);
            return RecipientOutcome.Pushed;
        }

        var result = await writer.QueueAsync(contact.WorkspaceId, new ContactMessage(channel, composed.Subject, composed.Text, composed.Html)
        {
            ContactId = contact.Id,
            MessageId = composed.MessageId,
            Headers = composed.Headers,
            MaxAttempts = Math.Max(1, campaign.Settings.MaxRetries + 1),
            Metadata = metadata,
        }, cancellationToken);
        if (result.Message is not { } message)
        {
            row.Skip(result.RefusalCode ?? SkipReasons.NoChannel, result.Refusal, now);
            return RecipientOutcome.Skipped;
        }

        row.Queue(message.Id, channel, message.Address, now);
        return RecipientOutcome.Queued;
    }
}
