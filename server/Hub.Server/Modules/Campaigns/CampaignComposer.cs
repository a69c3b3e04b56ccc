using System.Net;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Modules.Templates;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>One recipient's message, ready for the outbox (or, for push, the notification centre).</summary>
/// <param name="MessageId">The id the message must be saved with: its tracking links are signed for it.</param>
/// <param name="Headers">Extra headers (email), e.g. <c>List-Unsubscribe</c>; carried to the provider by the delivery pipeline.</param>
public sealed record ComposedMessage(Guid MessageId, string? Subject, string Text, string? Html, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Renders a campaign for one recipient: the variant's template (or the campaign's), its subject override, the
/// contact's fields. THE seam for everything that changes a campaign message per recipient (tracking pixel,
/// signed links, unsubscribe headers): <see cref="ComposeAsync"/> is the one place the final HTML and headers
/// are produced. Email messages get tracking by the campaign's switches: links through the signed click redirect (in
/// the HTML and the plain-text part, and the hidden scanner trap), the open pixel, an unsubscribe link and the RFC 8058
/// <c>List-Unsubscribe(-Post)</c> headers. The template is rendered in the contact's language (its localisations); a
/// campaign's or variant's subject override replaces the default-language subject only, a localised subject stays.
/// </summary>
public sealed class CampaignComposer(HubDbContext db, TemplateRenderer renderer, TrackingLinks tracking)
{
    private readonly Dictionary<Guid, Template?> _templates = [];

    /// <summary>Renders <paramref name="campaign"/> for <paramref name="contact"/> on <paramref name="channel"/> (the ledger row's channel).</summary>
    public async Task<ComposedMessage> ComposeAsync(
        Campaign campaign, CampaignRecipient recipient, Contact contact, ChannelType channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(recipient);
        var variant = recipient.Variant is { } name ? campaign.Variants.Items.FirstOrDefault(v => v.Name == name) : null;
        var template = await TemplateAsync(variant?.TemplateId ?? campaign.TemplateId, cancellationToken)
            ?? new Template
            {
                Name = campaign.Name,
                Subject = campaign.SubjectLine ?? campaign.Name,
                HtmlContent = campaign.Content ?? string.Empty,
            };
        var subjectOverride = variant?.Subject ?? (variant?.TemplateId is null ? campaign.SubjectLine : null);
        if (subjectOverride is not null)
        {
            template = new Template
            {
                Id = template.Id,
                Name = template.Name,
                Subject = subjectOverride,
                HtmlContent = template.HtmlContent,
                TextContent = template.TextContent,
                Variables = template.Variables,
                Localizations = template.Localizations,
            };
        }

        var data = new Dictionary<string, JsonElement>
        {
            ["campaign_id"] = JsonSerializer.SerializeToElement(campaign.Id),
            ["campaign_name"] = JsonSerializer.SerializeToElement(campaign.Name),
        };
        var rendered = renderer.Render(template, contact, data);
        var messageId = Guid.CreateVersion7();
        if (channel != ChannelType.Email)
        {
            return new ComposedMessage(messageId, rendered.Subject, rendered.Text, rendered.Html, new Dictionary<string, string>());
        }

        var switches = new TrackingSwitches(campaign.OpenTrackingEnabled, campaign.ClickTrackingEnabled, campaign.UnsubscribeEnabled);
        var html = rendered.Html is { Length: > 0 } body ? body : WebUtility.HtmlEncode(rendered.Text).Replace("\n", "<br>", StringComparison.Ordinal);
        var tracked = tracking.Track(campaign.WorkspaceId, messageId, html, switches);
        var text = tracking.TrackText(campaign.WorkspaceId, messageId, rendered.Text, switches);
        return new ComposedMessage(messageId, rendered.Subject, text, tracked.Html, tracked.Headers);
    }

    private async Task<Template?> TemplateAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (id is not { } templateId)
        {
            return null;
        }

        if (!_templates.TryGetValue(templateId, out var template))
        {
            template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken);
            _templates[templateId] = template;
        }

        return template;
    }
}
