using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Core.Rules;
using Hub.Core.Text;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Rules;

/// <summary>
/// Posts an event to a rule's webhook AFTER the decision committed (a network call must not hold the database
/// transaction, nor the suppression claim's lock), signed <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the
/// body&gt;</c> with the workspace's secret (the one its backend already signs end-user tokens with). The decision
/// is then updated with the answer: the HTTP status, or Error with the failure. It is not retried: the claim
/// stands, so a once-only webhook is never posted twice.
/// </summary>
public sealed partial class WebhookPoster(
    IHttpClientFactory http, HubDbContext db, IOptions<EventsOptions> options, ILogger<WebhookPoster> logger)
{
    public const string ClientName = "rules-webhook";
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>The JSON posted: the event as the events API shows it, and the rule that fired.</summary>
    public static byte[] Body(TrackedEvent trackedEvent, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(trackedEvent);
        ArgumentNullException.ThrowIfNull(rule);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["event_id"] = trackedEvent.Id,
            ["client_event_id"] = trackedEvent.ClientEventId,
            ["user_id"] = trackedEvent.UserId,
            ["event_type"] = trackedEvent.EventType,
            ["event_timestamp"] = trackedEvent.OccurredAt,
            ["properties"] = trackedEvent.Properties,
            ["user_traits"] = trackedEvent.Traits,
            ["rule"] = rule.Name,
        });
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task PostAsync(Guid workspaceId, Uri url, byte[] body, Guid decisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var secret = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.ClientTokenSecret).FirstAsync(cancellationToken);
        DecisionOutcome outcome;
        string reason;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.WebhookTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(SignatureHeader, Sign(secret, body));
            using var response = await http.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            outcome = response.IsSuccessStatusCode ? DecisionOutcome.Sent : DecisionOutcome.Error;
            reason = $"POST {url} answered {status} {response.ReasonPhrase}.";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogWebhookFailed(logger, ex, url.Host);
            outcome = DecisionOutcome.Error;
            reason = ex is TaskCanceledException
                ? $"POST {url} got no answer within {options.Value.WebhookTimeout.TotalSeconds:0.#} s."
                : $"POST {url} failed: {ex.Message}";
        }

        await db.Decisions.IgnoreQueryFilters().Where(d => d.Id == decisionId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Outcome, outcome).SetProperty(d => d.Reason, TextCut.Cut(reason, 1000)), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A rule's webhook to {Host} failed")]
    private static partial void LogWebhookFailed(ILogger logger, Exception exception, string host);
}
