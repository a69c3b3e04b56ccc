using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Hub.Server.Modules.Webhooks;

/// <summary>How a webhook request is signed (both in <c>X-Hub-Signature-256</c>; docs/webhooks.md shows how to verify each).</summary>
public enum WebhookSignatureScheme
{
    /// <summary>Outbound webhooks: HMAC over <c>"{timestamp}.{body}"</c>, with <c>X-Hub-Webhook-Timestamp</c>, so a receiver can reject replays.</summary>
    TimestampedBody,

    /// <summary>Rule webhooks: HMAC over the body alone, keyed with the workspace secret — what rule receivers have always verified.</summary>
    Body,
}

/// <summary>One POST to a customer's URL: where, what, the secret it is signed with, how, and how long it may take.</summary>
public sealed record WebhookPost(string Url, byte[] Body, string Secret, WebhookSignatureScheme Scheme, TimeSpan Timeout)
{
    /// <summary>Sent as <c>X-Hub-Webhook-Id</c> when set: the same on every retry, so receivers can drop duplicates.</summary>
    public string? EventId { get; init; }

    /// <summary>Sent as <c>X-Hub-Webhook-Subject</c> when set.</summary>
    public string? Subject { get; init; }

    /// <summary>Most of a failing answer's body quoted in <see cref="WebhookAnswer.Description"/> (0: none).</summary>
    public int MaxErrorBodyChars { get; init; }
}

/// <summary>
/// What came of a POST: 2xx or not, the HTTP status if there was an answer, and a sentence for the delivery log or the
/// audit (a refusal by the SSRF guard starts with "Refused:").
/// </summary>
public sealed record WebhookAnswer(bool Succeeded, int? Status, string Description);

/// <summary>
/// The one way Hub POSTs to a URL a customer chose (outbound webhooks and rule webhooks alike): through the named client
/// registered by <see cref="WebhooksModule.AddSignedWebhookSender"/>, whose connect step refuses private and
/// reserved addresses as resolved (<see cref="WebhookTargetGuard"/>, unless <c>Webhooks:AllowPrivateTargets</c>), which
/// follows no redirect (a second, unchecked destination) and uses no proxy. Signs, applies the caller's timeout, and
/// turns every outcome — answer, timeout, refusal, network failure — into a <see cref="WebhookAnswer"/> instead of throwing.
/// </summary>
public sealed partial class SignedWebhookSender(IHttpClientFactory http, TimeProvider clock, ILogger<SignedWebhookSender> logger)
{
    /// <summary>The named HttpClient: SSRF-guarded connect, no redirects, no proxy.</summary>
    public const string ClientName = "signed-webhooks";

    public async Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        // Addresses are judged at connect time (after DNS) by the client itself; here only what the URL alone can tell.
        if (WebhookTargetGuard.ProblemWithUrl(post.Url, allowPrivate: true) is { } problem)
        {
            return new WebhookAnswer(false, null, $"Refused: {problem}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, post.Url) { Content = new ByteArrayContent(post.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Hub-Webhooks/1.0");
        if (post.EventId is not null)
        {
            request.Headers.Add(WebhookSigner.IdHeader, post.EventId);
        }

        if (post.Subject is not null)
        {
            request.Headers.Add(WebhookSigner.SubjectHeader, post.Subject);
        }

        if (post.Scheme == WebhookSignatureScheme.TimestampedBody)
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(post.Secret, timestamp, post.Body));
        }
        else
        {
            request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.SignBody(post.Secret, post.Body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(post.Timeout);
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var answered = $"POST {post.Url} answered {status} {response.ReasonPhrase}";
            if (response.IsSuccessStatusCode)
            {
                return new WebhookAnswer(true, status, answered + ".");
            }

            var text = await ReadSomeAsync(response, post.MaxErrorBodyChars, timeout.Token);
            var location = response.Headers.Location is { } to ? $" (redirect to {to} not followed)" : string.Empty;
            return new WebhookAnswer(false, status, $"{answered}{location}{(text.Length > 0 ? ": " + text : ".")}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAnswer(false, null, $"POST {post.Url} got no answer within {post.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException ex)
        {
            LogPostFailed(logger, ex, request.RequestUri?.Host ?? post.Url, post.EventId);
            return FindRefusal(ex) is { } refused
                ? new WebhookAnswer(false, null, $"Refused: {refused.Message}")
                : new WebhookAnswer(false, null, $"POST {post.Url} failed: {ex.Message}");
        }
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
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
            return string.Empty; // the status already says it failed; a body cut short adds nothing
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook POST to {Host} failed (event {EventId})")]
    private static partial void LogPostFailed(ILogger logger, Exception exception, string host, string? eventId);
}
