using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Server.Tests.Webhooks;

/// <summary>
/// Hub on real sockets and its own database, delivering through the real outbox to a local stand-in for Twilio's
/// Messages API, which answers like Twilio and posts signed status callbacks back to Hub. The Twilio channel and its
/// webhooks are Program.cs's own wiring: only configuration (<c>Twilio:BaseUrl</c>) points it at the stand-in.
/// </summary>
public class TwilioRoundTripApp : HubApp
{
    private WebApplication? _twilio;

    public TwilioRoundTripApp()
    {
        UseRealSockets = true;
        Settings["Delivery:PollInterval"] = "00:00:00.200";
    }

    /// <summary>Every message create request the fake API received (its form fields).</summary>
    public ConcurrentQueue<Dictionary<string, string>> Sent { get; } = new();

    /// <summary>The auth token the fake API accepts and signs callbacks with.</summary>
    public string AuthToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    public override async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _twilio = builder.Build();
        var callbacks = new HttpClient();
        _twilio.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", async (string accountSid, HttpContext http) =>
        {
            var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            if (http.Request.Headers.Authorization != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")))
            {
                return Results.Json(new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 }, statusCode: 401);
            }

            Sent.Enqueue(form);
            var sid = "SM" + Guid.NewGuid().ToString("N");
            if (form.TryGetValue("StatusCallback", out var callback))
            {
                _ = Task.Run(async () =>
                {
                    foreach (var status in new[] { "sent", "delivered" })
                    {
                        var fields = new Dictionary<string, string>
                        {
                            ["AccountSid"] = AccountSid, ["ApiVersion"] = "2010-04-01", ["From"] = form["From"], ["To"] = form["To"],
                            ["MessageSid"] = sid, ["SmsSid"] = sid, ["MessageStatus"] = status, ["SmsStatus"] = status,
                        };
                        var data = callback + string.Concat(fields.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
                        using var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = new FormUrlEncodedContent(fields) };
                        request.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data))));
                        using var _ = await callbacks.SendAsync(request);
                    }
                });
            }

            return Results.Json(new Dictionary<string, object?>
            {
                ["sid"] = sid, ["status"] = "queued", ["to"] = form["To"], ["from"] = form.GetValueOrDefault("From"),
                ["num_segments"] = "1", ["error_code"] = null, ["error_message"] = null, ["account_sid"] = AccountSid,
            }, statusCode: 201);
        });
        await _twilio.StartAsync();
        Settings["Twilio:BaseUrl"] = _twilio.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_twilio is not null)
        {
            await _twilio.DisposeAsync();
            _twilio = null;
        }
    }
}

/// <summary>
/// The whole SMS path: a customer's text arrives signed, opens a conversation, the agent's reply goes out through the
/// outbox to Twilio from the channel's number, and Twilio's signed status callbacks move it to delivered.
/// </summary>
public sealed class TwilioRoundTripTests(TwilioRoundTripApp app) : IClassFixture<TwilioRoundTripApp>
{
    private async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> probe, Func<string> what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out waiting for {what()}; Twilio got {app.Sent.Count} message(s). Log:\n"
            + string.Join("\n", app.Logs.Where(l => l.Contains("Twilio", StringComparison.OrdinalIgnoreCase) || l.Contains("deliver", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase))));
    }

    [Fact]
    public async Task A_text_opens_a_conversation_the_reply_goes_out_through_twilio_and_comes_back_delivered()
    {
        var admin = await app.SignedInAsync();
        const string number = "+15005550006";
        const string customer = "+14155550123";
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS",
            type = "sms",
            provider = "twilio",
            address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = TwilioRoundTripApp.AccountSid, ["auth_token"] = app.AuthToken, ["from"] = number },
        });
        created.EnsureSuccessStatusCode();
        var channelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var statusUrl = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/status").AbsoluteUri;
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { settings = new Dictionary<string, string> { ["status_callback"] = statusUrl } }))
            .EnsureSuccessStatusCode();

        var inboundUrl = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = TwilioRoundTripApp.AccountSid,
            ["From"] = customer, ["To"] = number, ["Body"] = "Is my order on its way?", ["NumMedia"] = "0", ["ApiVersion"] = "2010-04-01",
        };
        using (var request = new HttpRequestMessage(HttpMethod.Post, inboundUrl) { Content = new FormUrlEncodedContent(form) })
        {
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(app.AuthToken, inboundUrl, form));
            var response = await app.Anonymous().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var inbound = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages?channel_id={channelId}")).GetProperty("items").EnumerateArray());
        var conversationId = inbound.GetProperty("conversation_id").GetGuid();

        var reply = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Yes — it arrives tomorrow 📦" });
        reply.EnsureSuccessStatusCode();
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        JsonElement? last = null;
        var delivered = await EventuallyAsync(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{replyId}");
            last = m;
            return m.GetProperty("status").GetString() == "delivered" ? m : null;
        }, () => $"the reply to be delivered (last seen: {last})");
        var sent = Assert.Single(app.Sent);
        Assert.Equal(customer, sent["To"]);
        Assert.Equal(number, sent["From"]);
        Assert.Equal("Yes — it arrives tomorrow 📦", sent["Body"]);
        Assert.Equal(statusUrl, sent["StatusCallback"]);
        Assert.StartsWith("SM", delivered.GetProperty("external_id").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, delivered.GetProperty("delivered_at").ValueKind);
    }
}
