using System.Diagnostics;
using System.Text;
using Hub.Core.Text;
using Hub.Core.Webhooks;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Makes one attempt of a claimed delivery: counts the attempt first (so a crash mid-POST is still counted, and the
/// expired lease makes it due again with the same id), POSTs the stored envelope signed with the subscription's
/// current secret through the guarded <see cref="SignedWebhookSender"/>, then records the answer: 2xx succeeded;
/// anything else failed with the next try scheduled by <see cref="WebhookOptions.RetrySchedule"/>, or dead when the
/// schedule ran out.
/// </summary>
public sealed partial class WebhookDispatcher(
    HubDbContext db, SignedWebhookSender sender, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
{
    public async Task DeliverAsync(WebhookDelivery claimed, string worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var settings = options.Value;
        var subscription = await db.WebhookSubscriptions.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == claimed.SubscriptionId, cancellationToken);
        var attempts = claimed.Attempts + 1;
        var started = clock.GetUtcNow();
        var counted = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Id == claimed.Id && d.LockedBy == worker && (d.State == WebhookDeliveryState.Pending || d.State == WebhookDeliveryState.Failed))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Attempts, attempts).SetProperty(d => d.LastAttemptAt, started)
                .SetProperty(d => d.UpdatedAt, started), cancellationToken);
        if (counted == 0)
        {
            return; // someone else took it over (our lease ran out) or it was settled meanwhile
        }

        int? status = null;
        string? error;
        var watch = Stopwatch.StartNew();
        if (subscription is null || (!subscription.IsActive && claimed.Subject != WebhookSubjects.TestPing))
        {
            // A paused endpoint's events wait out the schedule (resume it in time and they go); a ping always goes.
            error = subscription is null ? "The subscription was deleted." : "The subscription is paused (inactive).";
        }
        else
        {
            (status, error) = await PostAsync(subscription, claimed, settings, cancellationToken);
        }

        watch.Stop();
        await RecordAsync(claimed, worker, attempts, status, error, (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds), settings, cancellationToken);
    }

    private async Task<(int? Status, string? Error)> PostAsync(
        WebhookSubscription subscription, WebhookDelivery delivery, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var answer = await sender.PostAsync(
            new WebhookPost(subscription.Url, Encoding.UTF8.GetBytes(delivery.Payload), subscription.Secret, WebhookSignatureScheme.TimestampedBody, settings.Timeout)
            {
                EventId = delivery.EventId.ToString(), Subject = delivery.Subject, MaxErrorBodyChars = settings.MaxErrorBodyChars,
            },
            cancellationToken);
        return (answer.Status, answer.Succeeded ? null : answer.Description);
    }

    private async Task RecordAsync(
        WebhookDelivery claimed, string worker, int attempts, int? status, string? error, int elapsedMs, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var schedule = settings.Backoff;
        WebhookDeliveryState state;
        var next = now;
        if (error is null)
        {
            state = WebhookDeliveryState.Succeeded;
        }
        else if (attempts <= schedule.Count)
        {
            state = WebhookDeliveryState.Failed;
            next = now + schedule[attempts - 1];
        }
        else
        {
            state = WebhookDeliveryState.Dead;
            LogDead(logger, claimed.Id, claimed.SubscriptionId, attempts);
        }

        var clipped = error is null ? null : TextCut.Cut(error, 2000, "...");
        await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Id == claimed.Id && d.LockedBy == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, state).SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LastStatus, status).SetProperty(d => d.LastError, clipped).SetProperty(d => d.LastResponseMs, elapsedMs)
                .SetProperty(d => d.SucceededAt, state == WebhookDeliveryState.Succeeded ? now : null)
                .SetProperty(d => d.LockedBy, (string?)null).SetProperty(d => d.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} of subscription {SubscriptionId} is dead after {Attempts} attempts")]
    private static partial void LogDead(ILogger logger, Guid deliveryId, Guid subscriptionId, int attempts);
}
