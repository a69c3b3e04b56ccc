using System.Net;
using System.Text.Json;
using Bunit;
using Hub.Web.Features.Settings;
using Hub.Web.Tests.Infrastructure;
using MudBlazor;

namespace Hub.Web.Tests.Settings;

public sealed class ChannelsTabTests : DashboardTestContext
{
    private static readonly Guid Id = Guid.NewGuid();

    private static Dictionary<string, JsonElement> Settings(object values) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(values))!;

    private static ChannelDto Mailbox() => new(Id, "Support", "email", "smtp", "support@acme.test", true, "unknown", null, Settings(new Dictionary<string, object>
    {
        ["smtp_host"] = "smtp.acme.test", ["smtp_port"] = "587", ["smtp_security"] = "starttls", ["smtp_username"] = "support", ["smtp_password"] = "********",
        ["imap_host"] = "imap.acme.test", ["imap_password"] = "********",
    }));

    private IRenderedComponent<ChannelsTab> RenderTab(params ChannelDto[] channels)
    {
        RenderMudProviders();
        Api.On(HttpMethod.Get, "/api/v1/channels", channels.ToList());
        var tab = Render<ChannelsTab>();
        tab.WaitForAssertion(() => Assert.Equal("true", tab.Find("[data-testid=channels-table]").GetAttribute("data-interactive")));
        return tab;
    }

    /// <summary>The text field whose input carries <paramref name="testId"/>.</summary>
    private static IRenderedComponent<MudTextField<string>> Field(IRenderedComponent<ChannelsTab> tab, string testId) =>
        tab.FindComponents<MudTextField<string>>().Single(f => f.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == testId);

    private static Task TypeAsync(IRenderedComponent<ChannelsTab> tab, string testId, string value) =>
        tab.InvokeAsync(() => Field(tab, testId).Instance.ValueChanged.InvokeAsync(value));

    private static string Body(FakeApi api, string request) => Assert.Single(api.Requests, r => r.Request == request).Body!;

    [Fact]
    public void With_no_channels_the_tab_says_what_to_add_and_never_sends_the_admin_to_the_api()
    {
        var tab = RenderTab();

        Assert.Contains("No channels yet", tab.Find("[data-testid=channels-empty]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v1", tab.Markup, StringComparison.Ordinal);
        Assert.Equal(4, tab.FindAll("button[data-testid^=add-channel-]").Count);
    }

    [Fact]
    public async Task Missing_fields_are_named_beside_each_field_and_nothing_is_sent()
    {
        var tab = RenderTab();
        tab.Find("button[data-testid=add-channel-email]").Click();
        await TypeAsync(tab, "channel-name", "");

        tab.Find("button[data-testid=channel-save]").Click();

        Assert.Contains("Give the channel a name", Field(tab, "channel-name").Markup, StringComparison.Ordinal);
        Assert.Contains("mailbox's email address", Field(tab, "channel-address").Markup, StringComparison.Ordinal);
        Assert.Contains("Enter the SMTP server", Field(tab, "setting-smtp_host").Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Enter the", Field(tab, "setting-smtp_port").Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Requests, r => r.Request.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_servers_field_errors_show_beside_the_fields_they_name()
    {
        var tab = RenderTab();
        Api.On(HttpMethod.Post, "/api/v1/channels", (_, _) => FakeApi.Problem(400, "One or more validation errors occurred.", new Dictionary<string, string[]>
        {
            ["settings.smtp_port"] = ["The SMTP port must be a number from 1 to 65535."],
            ["settings.from"] = ["The sender must be an email address, like support@example.com."],
        }));
        tab.Find("button[data-testid=add-channel-email]").Click();
        await TypeAsync(tab, "channel-address", "support");
        await TypeAsync(tab, "setting-smtp_host", "smtp.acme.test");
        await TypeAsync(tab, "setting-smtp_port", "25x");

        tab.Find("button[data-testid=channel-save]").Click();

        tab.WaitForAssertion(() => Assert.Contains("number from 1 to 65535", Field(tab, "setting-smtp_port").Markup, StringComparison.Ordinal));
        Assert.Contains("must be an email address", Field(tab, "channel-address").Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("65535", Field(tab, "setting-smtp_host").Markup, StringComparison.Ordinal);
        Assert.Contains("see the messages beside them", tab.Find("[data-testid=channel-editor-problem]").TextContent, StringComparison.Ordinal);
        var sent = JsonDocument.Parse(Body(Api, "POST /api/v1/channels")).RootElement;
        Assert.Equal("email", sent.GetProperty("type").GetString());
        Assert.Equal("25x", sent.GetProperty("settings").GetProperty("smtp_port").GetString());
    }

    [Fact]
    public async Task Stored_secrets_show_as_set_are_never_sent_back_and_are_sent_only_when_replaced()
    {
        var tab = RenderTab(Mailbox());
        Api.On(HttpMethod.Patch, $"/api/v1/channels/{Id}", Mailbox());
        tab.Find("button[data-testid=channel-edit-Support]").Click();
        tab.WaitForAssertion(() => Field(tab, "secret-smtp_password-set")); // the editor opens on the next render

        Assert.Equal("set", Field(tab, "secret-smtp_password-set").Find("input").GetAttribute("value"));
        Assert.Equal("set", Field(tab, "secret-imap_password-set").Find("input").GetAttribute("value"));
        Assert.DoesNotContain("********", tab.Markup, StringComparison.Ordinal);
        Assert.Empty(tab.FindAll("input[data-testid=setting-smtp_password]")); // nothing to type into until the admin asks to replace
        Assert.Equal("password", tab.Find("input[data-testid=setting-webhook_secret]").GetAttribute("type")); // a secret not stored yet: typed, never shown

        tab.Find("button[data-testid=channel-save]").Click();
        tab.WaitForAssertion(() => Assert.Single(Api.Requests, r => r.Request.StartsWith("PATCH", StringComparison.Ordinal)));
        var unchanged = JsonDocument.Parse(Body(Api, $"PATCH /api/v1/channels/{Id}")).RootElement.GetProperty("settings");
        Assert.False(unchanged.TryGetProperty("smtp_password", out _));
        Assert.False(unchanged.TryGetProperty("imap_password", out _));
        Assert.Equal("smtp.acme.test", unchanged.GetProperty("smtp_host").GetString());

        Api.Requests.Clear();
        tab.Find("button[data-testid=secret-smtp_password-replace]").Click();
        await TypeAsync(tab, "setting-smtp_password", "n3w-s3cret");
        Assert.Equal("password", Field(tab, "setting-smtp_password").Find("input").GetAttribute("type"));
        tab.Find("button[data-testid=channel-save]").Click();

        tab.WaitForAssertion(() => Assert.Single(Api.Requests, r => r.Request.StartsWith("PATCH", StringComparison.Ordinal)));
        var replaced = JsonDocument.Parse(Body(Api, $"PATCH /api/v1/channels/{Id}")).RootElement.GetProperty("settings");
        Assert.Equal("n3w-s3cret", replaced.GetProperty("smtp_password").GetString());
        Assert.False(replaced.TryGetProperty("imap_password", out _));
    }

    [Fact]
    public async Task A_new_chat_channel_shows_its_embed_snippet_once_saved_with_the_options_chosen()
    {
        var tab = RenderTab();
        var created = new ChannelDto(Id, "Website chat", "chat", "webchat", "wk_Abc123", true, "unknown", null, Settings(new Dictionary<string, object>
        {
            ["title"] = "Talk to Acme", ["color"] = "#0f766e", ["position"] = "left", ["greeting"] = "Hi \"there\"!", ["prechat_fields"] = new[] { "email", "name" },
            ["allowed_origins"] = new[] { "https://shop.example" },
        }));
        Api.On(HttpMethod.Post, "/api/v1/channels", created, HttpStatusCode.Created);
        tab.Find("button[data-testid=add-channel-chat]").Click();
        Assert.NotNull(tab.Find("[data-testid=chat-snippet-after-save]"));
        await TypeAsync(tab, "setting-title", "Talk to Acme");
        await TypeAsync(tab, "setting-allowed_origins", "https://shop.example\nhttps://www.shop.example");
        await tab.InvokeAsync(() => tab.FindComponents<MudCheckBox<bool>>()
            .Single(c => c.Instance.UserAttributes.TryGetValue("data-testid", out var t) && (string?)t == "prechat-email").Instance.ValueChanged.InvokeAsync(true));

        tab.Find("button[data-testid=channel-save]").Click();

        tab.WaitForAssertion(() => Assert.NotNull(tab.Find("[data-testid=chat-snippet-value]")));
        var snippet = tab.Find("[data-testid=chat-snippet-value]").TextContent;
        Assert.Equal(
            """<script src="http://localhost/widget.js" data-hub-key="wk_Abc123" data-title="Talk to Acme" data-color="#0f766e" data-greeting="Hi &quot;there&quot;!" data-position="left" data-prechat="true" async></script>""",
            snippet);
        Assert.NotNull(tab.Find("button[data-testid=chat-snippet-copy]"));
        var sent = JsonDocument.Parse(Body(Api, "POST /api/v1/channels")).RootElement;
        Assert.Equal(["https://shop.example", "https://www.shop.example"], sent.GetProperty("settings").GetProperty("allowed_origins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(["email"], sent.GetProperty("settings").GetProperty("prechat_fields").EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public void A_twilio_channel_shows_the_webhook_urls_to_paste_into_twilio()
    {
        var sms = new ChannelDto(Id, "SMS", "sms", "twilio", "+15550001111", true, "unknown", null, Settings(new { account_sid = "AC123", auth_token = "********", from = "+15550001111" }));
        var tab = RenderTab(sms);

        tab.Find("button[data-testid=channel-edit-SMS]").Click();

        Assert.Equal($"http://localhost/webhooks/twilio/{Id}/inbound", tab.Find("[data-testid=twilio-inbound-url-value]").TextContent);
        Assert.Equal($"http://localhost/webhooks/twilio/{Id}/status", tab.Find("[data-testid=twilio-status-url-value]").TextContent);
        Assert.Equal("set", Field(tab, "secret-auth_token-set").Find("input").GetAttribute("value"));
    }

    [Fact]
    public void A_whatsapp_channel_can_send_a_test_like_sms_and_email()
    {
        var tab = RenderTab(new ChannelDto(Guid.NewGuid(), "WA", "whats_app", "twilio", "+15550002222", true, "unknown", null));

        Assert.NotNull(tab.Find("input[data-testid='channel-test-to-WA']"));
        Assert.Contains("WhatsApp", tab.Find("[data-testid=channels-table] tbody").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_is_disabled_and_deleted_from_its_row_deleting_only_after_confirming()
    {
        var tab = RenderTab(Mailbox());
        Api.On(HttpMethod.Patch, $"/api/v1/channels/{Id}", Mailbox() with { IsActive = false });
        Api.On(HttpMethod.Delete, $"/api/v1/channels/{Id}", (_, _) => new HttpResponseMessage(HttpStatusCode.NoContent));

        tab.Find("button[data-testid=channel-toggle-Support]").Click();
        tab.WaitForAssertion(() => Assert.Equal("""{"is_active":false}""", Body(Api, $"PATCH /api/v1/channels/{Id}")));

        tab.Find("button[data-testid=channel-delete-Support]").Click();
        Assert.DoesNotContain(Api.Requests, r => r.Request.StartsWith("DELETE", StringComparison.Ordinal));
        tab.Find("button[data-testid=channel-delete-confirm-Support]").Click();
        tab.WaitForAssertion(() => Assert.Single(Api.Requests, r => r.Request == $"DELETE /api/v1/channels/{Id}"));
    }

    [Fact]
    public void The_connection_test_shows_what_each_server_answered()
    {
        var tab = RenderTab(Mailbox());
        Api.On(HttpMethod.Post, $"/api/v1/channels/{Id}/check", new ChannelCheckDto(Id, false, "degraded", DateTimeOffset.UtcNow,
        [
            new MailServerCheckDto("smtp", "smtp.acme.test", 587, true, "220 smtp.acme.test ESMTP ready", true, true, null, ["220 smtp.acme.test ESMTP ready", "250 OK"], 41),
            new MailServerCheckDto("imap", "imap.acme.test", 993, false, "* OK ready", true, false, "Sign-in refused: Authentication failed.", ["* OK ready"], 35),
        ]));
        tab.Find("button[data-testid=channel-edit-Support]").Click();

        tab.Find("button[data-testid=channel-check]").Click();

        tab.WaitForAssertion(() => Assert.Equal("false", tab.Find("[data-testid=channel-check-result]").GetAttribute("data-ok")));
        Assert.Equal("220 smtp.acme.test ESMTP ready", tab.Find("[data-testid=check-smtp-greeting]").TextContent);
        Assert.Equal("true", tab.Find("[data-testid=check-smtp]").GetAttribute("data-ok"));
        Assert.Contains("Sign-in refused", tab.Find("[data-testid=check-imap-detail]").TextContent, StringComparison.Ordinal);
    }
    [Fact]
    public void A_twilio_channels_test_checks_its_credentials_and_the_signature_self_test()
    {
        var sms = new ChannelDto(Id, "SMS", "sms", "twilio", "+15550001111", true, "unknown", null, Settings(new { account_sid = "AC123", auth_token = "********", from = "+15550001111" }));
        var tab = RenderTab(sms);
        Api.On(HttpMethod.Post, $"/api/v1/channels/{Id}/check", new ChannelCheckDto(Id, false, "degraded", DateTimeOffset.UtcNow,
        [
            new MailServerCheckDto("twilio", "api.twilio.com", 443, true, "Signed in to Acme (active)", true, true, null, [], 120),
            new MailServerCheckDto("webhook", "hub.acme.test", 443, false, null, true, false,
                "https://hub.acme.test/webhooks/twilio/x/status refused a correctly signed request: … set Twilio:PublicBaseUrl …", ["https://hub.acme.test/webhooks/twilio/x/status"], 30),
        ]));
        tab.Find("button[data-testid=channel-edit-SMS]").Click();

        Assert.Equal("Test credentials and webhook", tab.Find("button[data-testid=channel-check]").TextContent.Trim());
        tab.Find("button[data-testid=channel-check]").Click();

        tab.WaitForAssertion(() => Assert.Equal("false", tab.Find("[data-testid=channel-check-result]").GetAttribute("data-ok")));
        Assert.Contains("Twilio API", tab.Find("[data-testid=check-twilio]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Signed in to Acme (active)", tab.Find("[data-testid=check-twilio-greeting]").TextContent);
        Assert.Contains("Signature self-test", tab.Find("[data-testid=check-webhook]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Twilio:PublicBaseUrl", tab.Find("[data-testid=check-webhook-detail]").TextContent, StringComparison.Ordinal);
        Assert.Single(Api.Requests, r => r.Request == $"POST /api/v1/channels/{Id}/check");
    }
}
