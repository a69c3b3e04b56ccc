using System.Diagnostics;
using System.Net.Http.Headers;
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
/// current secret, then records the answer: 2xx succeeded; anything else failed with the next try scheduled by
/// <see cref="WebhookOptions.RetrySchedule"/>, or dead when the schedule ran out.
/// </summary>
public sealed partial class WebhookDispatcher(
    HubDbContext db, IHttpClientFactory http, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
{
    /// <summary>The named HttpClient: SSRF-guarded connect, no redirects, no proxy.</summary>
    public const string ClientName = "outbound-webhooks";

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
        else if (WebhookTargetGuard.ProblemWithUrl(subscription.Url, allowPrivate: true) is { } refused) // addresses: checked at connect
        {
            error = $"Refused: {refused}";
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
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSigner.IdHeader, delivery.EventId.ToString());
        request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSigner.SubjectHeader, delivery.Subject);
        request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(subscription.Secret, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Hub-Webhooks/1.0");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (status, null);
            }

            var text = await ReadSomeAsync(response, settings.MaxErrorBodyChars, timeout.Token);
            var location = response.Headers.Location is { } to ? $" (redirect to {to} not followed)" : string.Empty;
            return (status, $"{subscription.Url} answered {status} {response.ReasonPhrase}{location}{(text.Length > 0 ? ": " + text : string.Empty)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"{subscription.Url} gave no answer within {settings.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException ex)
        {
            var refused = FindRefusal(ex);
            LogPostFailed(logger, ex, delivery.Id, new Uri(subscription.Url).Host);
            return (null, refused is not null ? $"Refused: {refused.Message}" : $"POST {subscription.Url} failed: {ex.Message}");
        }
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

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        if (max == 0)
        {
            return string.Empty;
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new char[max];
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
            return new string(buffer, 0, read).Trim();
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return string.Empty;
        }
    }

    private static WebhookTargetRefusedException? FindRefusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} to {Host} failed")]
    private static partial void LogPostFailed(ILogger logger, Exception exception, Guid deliveryId, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} of subscription {SubscriptionId} is dead after {Attempts} attempts")]
    private static partial void LogDead(ILogger logger, Guid deliveryId, Guid subscriptionId, int attempts);
}
