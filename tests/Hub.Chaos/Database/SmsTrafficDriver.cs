using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Hub.Adapters.Sms;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Chaos.Database;

/// <summary>
/// Drives SMS traffic at one Hub node as Twilio and an agent would: signed inbound webhooks, each from a number of its
/// own, retried with the same MessageSid while Hub answers 5xx or nothing (as Twilio retries), and agent replies posted
/// once each through the API (accepted ones must go out exactly once). Keeps every answer for the assertions.
/// </summary>
internal sealed class SmsTrafficDriver(HubProcess node, HttpClient admin, Guid channelId, string authToken, string channelNumber)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    private readonly HttpClient _anonymous = new() { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(15) };
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _inboundUrl = new Uri(node.Address, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;

    /// <summary>Webhooks sent, each with every answer it got until one was 2xx (or it gave up).</summary>
    public ConcurrentBag<WebhookOutcome> Webhooks { get; } = [];

    /// <summary>Replies posted: the message id of accepted ones, else the status code (0: no answer).</summary>
    public ConcurrentBag<ReplyOutcome> Replies { get; } = [];

    /// <summary>5xx answers that were not 503 problem+json with Retry-After, or that carried a stack trace.</summary>
    public ConcurrentBag<string> BadFailures { get; } = [];

    /// <summary>Webhooks that got no answer within Twilio's 15 s (retried like a 5xx).</summary>
    public ConcurrentBag<string> Timeouts { get; } = [];

    /// <summary>Seconds since the driver was made.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Sends webhook <paramref name="n"/> until Hub answers 2xx (or a 4xx, which is a failure of its own).</summary>
    public async Task WebhookAsync(int n)
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var from = $"+1415{8_000_000 + n:D7}";
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = Infrastructure.TwilioStandIn.AccountSid,
            ["From"] = from, ["To"] = channelNumber, ["Body"] = $"inbound {n}", ["NumMedia"] = "0", ["ApiVersion"] = "2010-04-01",
        };
        var outcome = new WebhookOutcome(sid, from);
        Webhooks.Add(outcome);
        var giveUp = _clock.Elapsed + GiveUpAfter;
        for (var attempt = 1; _clock.Elapsed < giveUp; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _inboundUrl) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(authToken, _inboundUrl, form));
            var at = Now;
            try
            {
                using var response = await _anonymous.SendAsync(request);
                var status = (int)response.StatusCode;
                outcome.Answers.Enqueue((Now, status));
                if (response.IsSuccessStatusCode)
                {
                    outcome.AcceptedAt = at;
                    return;
                }

                if (status < 500)
                {
                    outcome.Refused = $"{status}: {await response.Content.ReadAsStringAsync()}";
                    return;
                }

                await CheckFailureAsync(response, $"webhook {sid}");
            }
            catch (TaskCanceledException)
            {
                // Twilio gives up on a webhook after 15 s and retries it: slow, not lost. Counted for the report.
                outcome.Answers.Enqueue((Now, 0));
                Timeouts.Add($"webhook {sid} at {at:F1}s");
            }
            catch (HttpRequestException ex)
            {
                outcome.Answers.Enqueue((Now, 0));
                BadFailures.Add($"webhook {sid} at {at:F1}s: no answer ({ex.Message})");
            }

            // Like a provider's retries: 0.5, 1, 2, 4, 4, ... s.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(4000, 500 << Math.Min(attempt - 1, 4))));
        }
    }

    /// <summary>Posts reply <paramref name="n"/> to <paramref name="conversationId"/> once.</summary>
    public async Task ReplyAsync(Guid conversationId, int n)
    {
        var token = $"chaos-reply-{n}-{Guid.NewGuid():N}";
        var at = Now;
        try
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = token });
            var status = (int)response.StatusCode;
            Guid? id = response.IsSuccessStatusCode ? (await response.JsonAsync()).GetProperty("id").GetGuid() : null;
            Replies.Add(new ReplyOutcome(token, at, status, id, status is >= 400 and < 500 ? await response.Content.ReadAsStringAsync() : null));
            if (status >= 500)
            {
                await CheckFailureAsync(response, $"reply {n}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Replies.Add(new ReplyOutcome(token, at, 0, null, null));
            BadFailures.Add($"reply {n} at {at:F1}s: no answer ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private async Task CheckFailureAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        var retryAfter = response.Headers.RetryAfter is not null;
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !problem || !retryAfter || body.Contains("   at ", StringComparison.Ordinal))
        {
            BadFailures.Add($"{what} at {Now:F1}s: {(int)response.StatusCode} {response.Content.Headers.ContentType} Retry-After={retryAfter}: {body[..Math.Min(body.Length, 300)]}");
        }
    }
}

/// <summary>One inbound webhook and the answers it got.</summary>
internal sealed class WebhookOutcome(string sid, string from)
{
    public string Sid { get; } = sid;

    public string From { get; } = from;

    /// <summary>Each answer: when it came (seconds on the driver's clock) and its status (0: none within 15 s).</summary>
    public ConcurrentQueue<(double At, int Status)> Answers { get; } = new();

    /// <summary>When Hub answered 2xx, or null.</summary>
    public double? AcceptedAt { get; set; }

    /// <summary>A 4xx answer, which no retry fixes.</summary>
    public string? Refused { get; set; }
}

/// <summary>One reply posted through the API.</summary>
internal sealed record ReplyOutcome(string Token, double At, int Status, Guid? MessageId, string? Refusal);
