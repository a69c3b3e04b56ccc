using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Channels.Email;
namespace Hub.Chaos.Fuzz;

/// <summary>
/// Hub in-process for the fuzzers: IMAP polling off (inbound mail comes through the webhook), public-link rate limits
/// high enough that a fuzz run reaches the handlers instead of the limiter.
/// </summary>
public sealed class FuzzApp : HubApp
{
    public FuzzApp()
    {
        Settings["Email:ImapEnabled"] = "false";
        Settings["Email:MaxInboundMessageBytes"] = (512 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Tracking:RateLimitPerMinute"] = "1000000";
        Settings["Tracking:BaseUrl"] = "https://hub.example.com";
    }
}

/// <summary>
/// A workspace with rows of every kind the fuzzers aim at: a contact, an email channel (webhook secret known), a
/// conversation with an inbound email and a private note, a template and a draft campaign.
/// </summary>
public sealed record FuzzRows(Guid ContactId, Guid ChannelId, string Secret, Guid ConversationId, Guid TemplateId, Guid CampaignId)
{
    /// <summary>Every id of the set.</summary>
    public IEnumerable<Guid> Ids => [ContactId, ChannelId, ConversationId, TemplateId, CampaignId];

    /// <summary>Creates the rows through the public API, as a customer would.</summary>
    public static async Task<FuzzRows> CreateAsync(HubApp app, HttpClient admin, string tag)
    {
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new
        {
            external_id = $"fuzz-{tag}", first_name = "Ada", last_name = "Lovelace", email = $"ada-{tag}@example.com", phone = "+14155550123",
            attributes = new { plan = "pro", tag },
        });
        var secret = $"secret-{tag}-{Guid.NewGuid():N}";
        var channel = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = $"Mail {tag}", type = "email", provider = "dev-sink", address = $"support-{tag}@acme.test",
            settings = new Dictionary<string, string> { ["from"] = $"support-{tag}@acme.test", [EmailWebhooks.SecretSetting] = secret },
        });
        var channelId = Guid.Parse(channel.Str("id"));
        var mime = $"From: Grace <grace-{tag}@example.com>\r\nTo: support-{tag}@acme.test\r\nSubject: Order {tag}\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Where is my <b>parcel</b>?</p>\r\n";
        using var anonymous = app.Anonymous();
        using var response = await anonymous.SendAsync(EmailWebhook(channelId, secret, Encoding.UTF8.GetBytes(mime)));
        var received = await response.JsonAsync();
        Assert.True(response.IsSuccessStatusCode, received.ToString());
        var conversationId = Guid.Parse(received.Str("conversation_id"));
        await admin.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = $"Checking the courier for {tag}", @private = true });
        var template = await admin.PostJsonAsync("/api/v1/templates", new
        {
            name = $"Sale {tag}", subject = "Hi {{ contact.first_name }}", html_content = "<p>Hi {{ contact.first_name }}</p><a href=\"https://shop.example.com\">Shop</a>",
        });
        var templateId = Guid.Parse(template.Str("id"));
        var campaign = await admin.PostJsonAsync("/api/v1/campaigns", new
        {
            name = $"Spring {tag}", type = "email", template_id = templateId, audience = new { user_filters = new { language = new[] { "en" } } },
        });
        return new FuzzRows(Guid.Parse(contact.Str("id")), channelId, secret, conversationId, templateId, Guid.Parse(campaign.Str("id")));
    }

    /// <summary>A raw-MIME webhook request for the channel.</summary>
    public static HttpRequestMessage EmailWebhook(Guid channelId, string? secret, byte[] mime, string contentType = "message/rfc822")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/email/{channelId}/inbound") { Content = new ByteArrayContent(mime) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation(EmailWebhooks.SecretHeader, secret);
        }

        return request;
    }

    /// <summary>What the API shows of these rows now (compared before and after a fuzz run).</summary>
    public async Task<string> SnapshotAsync(HttpClient admin)
    {
        var parts = new List<string>();
        foreach (var url in new[]
        {
            $"/api/v1/contacts/{ContactId}", $"/api/v1/channels/{ChannelId}", $"/api/v1/conversations/{ConversationId}",
            $"/api/v1/conversations/{ConversationId}/messages?limit=100", $"/api/v1/templates/{TemplateId}", $"/api/v1/campaigns/{CampaignId}",
        })
        {
            using var response = await admin.GetAsync(new Uri(url, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode} {text}");
            parts.Add($"{url}\n{JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement, Indented)}");
        }

        return string.Join("\n", parts);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
