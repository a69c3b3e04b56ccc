using System.Net;
using Hub.Adapters.Tests.Sms;
using Hub.Chaos.Infrastructure;
using Hub.Core.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Hub.Chaos.Providers;

/// <summary>Hub with the real outbox and Twilio adapter, pointed at the local Twilio stand-in; the tests drive the workers.</summary>
public sealed class TwilioFaultApp : FakeTwilioApp
{
    public TwilioFaultApp()
    {
        Settings["Delivery:Enabled"] = "false";
        Settings["Delivery:MaxAttempts"] = "3";
        Settings["Delivery:BaseBackoff"] = "00:00:00.100";
        Settings["Delivery:MaxBackoff"] = "00:00:02";
    }
}

/// <summary>
/// Twilio answering 429 (with Retry-After) and 500: the message is retried, the 429's Retry-After is honoured over
/// the shorter backoff, nothing is marked sent on an error, and a message Twilio keeps failing is dead-lettered with
/// Twilio's error code and message, then sent by a manual retry. The tests run one at a time (the stand-in's
/// scripted answers are one queue).
/// </summary>
public sealed class TwilioFaultTests(TwilioFaultApp app) : IClassFixture<TwilioFaultApp>
{
    private static Func<HttpContext, Task> TooManyRequests(int retryAfterSeconds) => http =>
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return FakeTwilio.ErrorAsync(http, 429, 20429, "Too Many Requests");
    };

    private static Task ServerError(HttpContext http) => FakeTwilio.ErrorAsync(http, 500, 20500, "Internal Server Error");

    private async Task<(Pipeline Pipeline, string ChannelId)> ChannelAsync()
    {
        var pipeline = new Pipeline(app, await app.SignedInAsync());
        var channelId = await pipeline.ChannelAsync("sms", "twilio", "+15005550006",
            new { account_sid = FakeTwilio.AccountSid, auth_token = FakeTwilio.AuthToken });
        return (pipeline, channelId);
    }

    private static string NewNumber() => "+1415" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_429_with_retry_after_and_a_500_are_retried_honouring_retry_after_and_the_message_is_sent_once()
    {
        var (pipeline, channelId) = await ChannelAsync();
        var to = NewNumber();
        var id = await pipeline.ReplyAsync(channelId, phone: to, text: "Your code is 1234");
        app.Twilio.Overrides.Enqueue(TooManyRequests(2));
        app.Twilio.Overrides.Enqueue(ServerError);

        var afterFailure = new Dictionary<int, OutboxEntry>();
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(20), row =>
        {
            if (row.State == OutboxState.Pending)
            {
                afterFailure.TryAdd(row.Attempts, row);
            }
        });

        var row = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Sent, row.State);
        Assert.Equal(3, row.Attempts);
        var requests = app.Twilio.To(to);
        Assert.Equal(3, requests.Count);
        // After the 429: not sent, and the next try waits Twilio's 2 s, not the 100 ms backoff.
        Assert.Null(afterFailure[1].SentAt);
        Assert.Contains("20429", afterFailure[1].LastError, StringComparison.Ordinal);
        Assert.True(afterFailure[1].NextAttemptAt - afterFailure[1].UpdatedAt >= TimeSpan.FromSeconds(2), $"waited {afterFailure[1].NextAttemptAt - afterFailure[1].UpdatedAt}");
        Assert.Contains("20500", afterFailure[2].LastError, StringComparison.Ordinal);
        Assert.True(afterFailure[2].NextAttemptAt - afterFailure[2].UpdatedAt < TimeSpan.FromSeconds(2));
        Assert.StartsWith("SM", row.ProviderMessageId, StringComparison.Ordinal);
        var message = await pipeline.MessageAsync(id);
        Assert.Equal("sent", message.Str("status"));
        Assert.Equal(row.ProviderMessageId, message.Str("external_id"));
        // Twilio created exactly one message (the two errors created none): one sent, zero wrongly marked.
        var lost = (requests.Count - 2) == 1 && row.State == OutboxState.Sent ? 0 : 1;
        Assert.Equal(0, lost);
        ChaosReport.Record(ChaosKind.Fault, "Twilio 429 (Retry-After 2 s) then 500, then success", row.Attempts - 1, "faults", lost,
            "Retry-After honoured; sent once; never marked sent on an error");
    }

    [Fact]
    public async Task A_message_twilio_keeps_failing_is_dead_lettered_with_twilios_code_and_a_manual_retry_sends_it()
    {
        var (pipeline, channelId) = await ChannelAsync();
        var to = NewNumber();
        var id = await pipeline.ReplyAsync(channelId, phone: to, text: "Your order shipped");
        for (var i = 0; i < 3; i++)
        {
            app.Twilio.Overrides.Enqueue(ServerError);
        }

        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(20));
        var dead = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Dead, dead.State);
        Assert.Equal(3, dead.Attempts);
        Assert.Null(dead.SentAt);
        Assert.Null(dead.ProviderMessageId);
        Assert.Contains("Gave up after 3 tries", dead.LastError, StringComparison.Ordinal);
        Assert.Contains("20500: Internal Server Error", dead.LastError, StringComparison.Ordinal);
        var failed = await pipeline.MessageAsync(id);
        Assert.Equal("failed", failed.Str("status"));
        Assert.Contains("20500", failed.Str("failure_reason"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.Admin.PostAsync($"/api/v1/messages/{id}/retry", null)).StatusCode);
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(10));
        var sent = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Sent, sent.State);
        Assert.Equal(4, app.Twilio.To(to).Count);
        var lost = sent.State == OutboxState.Sent && sent.ProviderMessageId is not null ? 0 : 1;
        Assert.Equal(0, lost);
        ChaosReport.Record(ChaosKind.Fault, "Twilio 500 on every try: dead letter with Twilio's code, manual retry", dead.Attempts, "faults", lost,
            "dead-lettered after 3 with '20500: Internal Server Error'; retry API sent it once");
    }
}
