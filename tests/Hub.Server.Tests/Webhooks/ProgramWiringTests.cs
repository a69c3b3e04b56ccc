using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Webhooks;

/// <summary>
/// The provider webhooks exist in Hub as Program.cs builds it (the shared fixture adds no services or endpoints of its
/// own): Twilio's and the email providers' POSTs reach their handlers, which answer a bad signature or secret with
/// 403 — without the mapping they would get a 404 and every message would be lost.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class ProgramWiringTests(HubApp app)
{
    [Fact]
    public void Program_maps_the_Twilio_and_email_provider_webhooks()
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText).ToHashSet(StringComparer.Ordinal);
        string[] expected = ["/webhooks/twilio/{channelId:guid}/inbound", "/webhooks/twilio/{channelId:guid}/status", "/webhooks/email/{channelId:guid}/inbound"];
        Assert.All(expected, route => Assert.True(routes.Contains(route), $"Program.cs maps no {route}"));
    }

    [Fact]
    public async Task A_badly_signed_Twilio_webhook_reaches_its_handler_and_is_forbidden()
    {
        var admin = await app.SignedInAsync();
        var number = "+1415" + RandomNumberGenerator.GetInt32(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = $"Twilio {Guid.NewGuid():N}", type = "sms", provider = "twilio", address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = "AC" + Guid.NewGuid().ToString("N"), ["auth_token"] = "secret-token", ["from"] = number },
        });
        created.EnsureSuccessStatusCode();
        var channelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var form = new Dictionary<string, string> { ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["From"] = "+14155550100", ["To"] = number, ["Body"] = "hi" };

        foreach (var hook in new[] { "inbound", "status" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/twilio/{channelId}/{hook}") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", "forged");
            using var response = await app.Anonymous().SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_email_webhook_with_a_wrong_secret_reaches_its_handler_and_is_forbidden()
    {
        var admin = await app.SignedInAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = $"Mail {Guid.NewGuid():N}", type = "email", provider = "smtp", address = "support@acme.test",
            settings = new Dictionary<string, string> { ["from"] = "support@acme.test", ["webhook_secret"] = "the-right-secret" },
        });
        created.EnsureSuccessStatusCode();
        var channelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var mime = "From: a@example.com\r\nTo: support@acme.test\r\nSubject: hi\r\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@example.com>\r\n\r\nhello\r\n";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/email/{channelId}/inbound")
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes(mime)) { Headers = { ContentType = new("message/rfc822") } },
        };
        request.Headers.Add("X-Hub-Webhook-Secret", "a-wrong-secret");
        using var response = await app.Anonymous().SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
