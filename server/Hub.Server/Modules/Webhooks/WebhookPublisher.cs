using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Events;
using Hub.Core.Webhooks;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Records an event for every active subscription of the workspace whose patterns match its subject: one
/// <see cref="WebhookDelivery"/> row each, carrying the envelope the dispatcher will POST. The rows are saved on the
/// caller's <see cref="HubDbContext"/>, so inside the caller's transaction they commit or roll back with the change
/// that raised the event (call it AFTER the caller saved its own changes). Scoped.
/// </summary>
public sealed class WebhookPublisher(HubDbContext db, TimeProvider clock)
{
    /// <summary>The envelope's <c>source</c>.</summary>
    public const string Source = "hub";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// Publishes <paramref name="subject"/> (<c>domain.entity.action</c>) with <paramref name="data"/> (serialized with
    /// snake_case names). Returns the event id (the idempotency id receivers see), or null when no one subscribed.
    /// </summary>
    public async Task<Guid?> PublishAsync(Guid workspaceId, string subject, object data, string? correlationId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        EventSubject.EnsureValid(subject);
        var subscriptions = await db.WebhookSubscriptions.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.WorkspaceId == workspaceId && s.IsActive).ToListAsync(cancellationToken);
        var targets = subscriptions.Where(s => s.Wants(subject)).ToList();
        if (targets.Count == 0)
        {
            return null;
        }

        var eventId = Guid.CreateVersion7();
        var payload = Envelope(eventId, workspaceId, subject, correlationId, data);
        var now = clock.GetUtcNow();
        foreach (var subscription in targets)
        {
            db.WebhookDeliveries.Add(NewDelivery(subscription, eventId, subject, payload, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        return eventId;
    }

    /// <summary>
    /// <c>campaign.campaign.{action}</c> for a campaign whose status just moved (read back as it is now, so the data
    /// shows the new status). Callers may run with no current workspace (the sweep).
    /// </summary>
    public async Task PublishCampaignAsync(Guid campaignId, string action, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is not null)
        {
            await PublishAsync(campaign.WorkspaceId, WebhookSubjects.CampaignPrefix + action, WebhookData.Campaign(campaign), null, cancellationToken);
        }
    }

    /// <summary>A delivery of a fresh event to one subscription only (the test ping), saved at once.</summary>
    public async Task<WebhookDelivery> PublishToAsync(WebhookSubscription subscription, string subject, object data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        EventSubject.EnsureValid(subject);
        var eventId = Guid.CreateVersion7();
        var delivery = NewDelivery(subscription, eventId, subject, Envelope(eventId, subscription.WorkspaceId, subject, null, data), clock.GetUtcNow());
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return delivery;
    }

    private string Envelope(Guid eventId, Guid workspaceId, string subject, string? correlationId, object data) =>
        JsonSerializer.Serialize(new WebhookEnvelope(eventId, subject, EventEnvelope<object>.CurrentVersion, Source, clock.GetUtcNow(),
            workspaceId, correlationId ?? eventId.ToString(), data), Json);

    private static WebhookDelivery NewDelivery(WebhookSubscription subscription, Guid eventId, string subject, string payload, DateTimeOffset now) => new()
    {
        WorkspaceId = subscription.WorkspaceId,
        SubscriptionId = subscription.Id,
        EventId = eventId,
        Subject = subject,
        Payload = payload,
        NextAttemptAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>
/// The JSON body of every webhook (event-flow spec envelope, snake_case): <c>id</c> is the idempotency id, the same
/// on every retry and in <c>X-Hub-Webhook-Id</c>.
/// </summary>
public sealed record WebhookEnvelope(
    Guid Id, string Subject, string Version, string Source, DateTimeOffset Timestamp, Guid WorkspaceId, string CorrelationId, object Data);
