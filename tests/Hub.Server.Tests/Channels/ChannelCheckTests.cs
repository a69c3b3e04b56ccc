using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks;

namespace Hub.Server.Tests.Channels;

/// <summary>Hub allowed to reach the loopback test mail servers from a connection check.</summary>
public sealed class MailCheckApp : HubApp
{
    public MailCheckApp()
    {
        Settings["Channels:AllowPrivateHosts"] = "true";
        Settings["Email:ImapEnabled"] = "false"; // the check alone talks to the mailbox
    }
}

/// <summary><c>POST /api/v1/channels/{id}/check</c> against the real test SMTP and IMAP servers.</summary>
public sealed class ChannelCheckTests(MailCheckApp app) : IClassFixture<MailCheckApp>
{
    private static Dictionary<string, string> MailSettings(string user, string imapPassword) => new()
    {
        ["smtp_host"] = TestMail.Smtp!.Value.Host,
        ["smtp_port"] = TestMail.Smtp.Value.Port.ToString(CultureInfo.InvariantCulture),
        ["smtp_security"] = "none",
        ["smtp_username"] = "hub",
        ["smtp_password"] = TestMail.Password,
        ["imap_host"] = TestMail.Imap!.Value.Host,
        ["imap_port"] = TestMail.Imap.Value.Port.ToString(CultureInfo.InvariantCulture),
        ["imap_security"] = "none",
        ["imap_username"] = user,
        ["imap_password"] = imapPassword,
    };

    [MailServerFact]
    public async Task Connection_test_signs_in_to_smtp_and_imap_shows_what_they_said_and_marks_the_channel_healthy()
    {
        var admin = await app.NewWorkspaceAsync($"Check {Guid.NewGuid():N}");
        var user = $"chk{Guid.NewGuid():N}"[..20];
        var channel = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Support", type = "email", provider = "smtp", address = $"{user}@hub.test", settings = MailSettings(user, TestMail.Password),
        });

        var response = await admin.PostAsync($"/api/v1/channels/{channel.Str("id")}/check", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var check = await response.JsonAsync();
        Assert.True(check.GetProperty("ok").GetBoolean(), check.GetRawText());
        Assert.Equal("healthy", check.Str("health"));
        var servers = check.GetProperty("servers").EnumerateArray().ToDictionary(s => s.Str("protocol"));
        Assert.Equal(["imap", "smtp"], servers.Keys.Order());
        Assert.Contains("Hub test mail sink", servers["smtp"].Str("greeting"), StringComparison.Ordinal); // the server's own banner
        Assert.StartsWith("* OK", servers["imap"].Str("greeting"), StringComparison.Ordinal);
        Assert.Equal("INBOX: 0 messages.", servers["imap"].Str("detail"));
        Assert.All(servers.Values, s => Assert.True(s.GetProperty("authenticated").GetBoolean()));
        Assert.DoesNotContain(TestMail.Password + "\"", check.GetRawText(), StringComparison.Ordinal);

        var stored = await admin.GetJsonAsync($"/api/v1/channels/{channel.Str("id")}");
        Assert.Equal("healthy", stored.Str("health"));
        Assert.Equal(JsonValueKind.String, stored.GetProperty("last_checked_at").ValueKind);
    }

    [MailServerFact]
    public async Task A_wrong_imap_password_fails_that_server_with_its_answer_and_leaves_the_channel_degraded()
    {
        var admin = await app.NewWorkspaceAsync($"Check {Guid.NewGuid():N}");
        var user = $"chk{Guid.NewGuid():N}"[..20];
        var channel = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Support", type = "email", provider = "smtp", address = $"{user}@hub.test", settings = MailSettings(user, "not-the-password"),
        });

        var check = await (await admin.PostAsync($"/api/v1/channels/{channel.Str("id")}/check", null)).JsonAsync();

        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal("degraded", check.Str("health"));
        var servers = check.GetProperty("servers").EnumerateArray().ToDictionary(s => s.Str("protocol"));
        Assert.True(servers["smtp"].GetProperty("ok").GetBoolean());
        Assert.False(servers["imap"].GetProperty("ok").GetBoolean());
        Assert.StartsWith("Sign-in refused", servers["imap"].Str("detail"), StringComparison.Ordinal);
    }
}

/// <summary>The check's guard and edges, on the shared Hub (private mail hosts not allowed, as by default).</summary>
[Collection(HubCollection.Name)]
public sealed class ChannelCheckGuardTests(HubApp app)
{
    [Fact]
    public async Task A_mail_server_on_a_private_address_is_refused_without_connecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var admin = await app.NewWorkspaceAsync($"Guard {Guid.NewGuid():N}");
        var channel = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Internal", type = "email", provider = "smtp", address = "support@acme.test",
            settings = new Dictionary<string, string> { ["smtp_host"] = "127.0.0.1", ["smtp_port"] = port, ["smtp_security"] = "none" },
        });

        var check = await (await admin.PostAsync($"/api/v1/channels/{channel.Str("id")}/check", null)).JsonAsync();

        var smtp = Assert.Single(check.GetProperty("servers").EnumerateArray());
        Assert.False(smtp.GetProperty("ok").GetBoolean());
        Assert.Contains("private or reserved address", smtp.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("down", check.Str("health"));
        Assert.False(listener.Pending()); // the refusal came before any connection was opened
    }

    [Fact]
    public async Task Only_admins_check_and_only_email_channels_with_servers_can_be_checked()
    {
        var admin = await app.NewWorkspaceAsync($"Guard {Guid.NewGuid():N}");
        var sms = await admin.PostJsonAsync("/api/v1/channels", new { name = "SMS", type = "sms", provider = "dev-sink", address = "+15550000001" });
        var bare = await admin.PostJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = "smtp", address = "support@acme.test" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await admin.PostAsync($"/api/v1/channels/{sms.Str("id")}/check", null)).StatusCode);
        var noServer = await admin.PostAsync($"/api/v1/channels/{bare.Str("id")}/check", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noServer.StatusCode);
        Assert.True((await noServer.JsonAsync()).GetProperty("errors").TryGetProperty("settings.smtp_host", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/channels/{Guid.NewGuid()}/check", null)).StatusCode);

        var agent = await app.NewMemberAsync(admin, "agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/v1/channels/{bare.Str("id")}/check", null)).StatusCode);
    }

    [Fact]
    public async Task Settings_the_adapters_read_are_checked_on_save_and_each_error_names_its_setting()
    {
        var admin = await app.NewWorkspaceAsync($"Rules {Guid.NewGuid():N}");

        var email = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Mail", type = "email", provider = "smtp",
            settings = new Dictionary<string, string> { ["smtp_host"] = "https://mail.example.com", ["smtp_port"] = "25x", ["imap_security"] = "tls1.3", ["from"] = "support" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        var errors = (await email.JsonAsync()).GetProperty("errors");
        Assert.Equal(["settings.from", "settings.imap_security", "settings.smtp_host", "settings.smtp_port"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("number from 1 to 65535", errors.GetProperty("settings.smtp_port")[0].GetString(), StringComparison.Ordinal);

        var chat = await admin.PostJsonAsync("/api/v1/channels", new { name = "Site", type = "chat", provider = "webchat" });
        var patch = await admin.PatchAsJsonAsync($"/api/v1/channels/{chat.Str("id")}", new
        {
            settings = new Dictionary<string, object> { ["color"] = "blue", ["allowed_origins"] = new[] { "https://shop.example/checkout" }, ["prechat_fields"] = new[] { "phone" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        var chatErrors = (await patch.JsonAsync()).GetProperty("errors");
        Assert.Equal(["settings.allowed_origins", "settings.color", "settings.prechat_fields"], chatErrors.EnumerateObject().Select(e => e.Name).Order());

        var blankName = await admin.PatchAsJsonAsync($"/api/v1/channels/{chat.Str("id")}", new { name = " " });
        Assert.Equal(HttpStatusCode.BadRequest, blankName.StatusCode);

        var fine = await admin.PatchAsJsonAsync($"/api/v1/channels/{chat.Str("id")}", new
        {
            settings = new Dictionary<string, object> { ["color"] = "#0f766e", ["allowed_origins"] = new[] { "https://shop.example" }, ["prechat_fields"] = new[] { "name", "email" } },
        });
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task A_chat_channel_with_allowed_sites_opens_widget_sessions_only_for_pages_on_them()
    {
        var admin = await app.NewWorkspaceAsync($"Origins {Guid.NewGuid():N}");
        var open = await admin.PostJsonAsync("/api/v1/channels", new { name = "Open", type = "chat", provider = "webchat" });
        var shop = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Shop", type = "chat", provider = "webchat", settings = new { allowed_origins = new[] { "https://shop.example" } },
        });
        var anonymous = app.Anonymous();

        async Task<HttpStatusCode> SessionAsync(JsonElement channel, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/widget/sessions") { Content = JsonContent.Create(new { widget_key = channel.Str("address") }) };
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return (await anonymous.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await SessionAsync(shop, "https://elsewhere.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await SessionAsync(shop, null));
        Assert.Equal(HttpStatusCode.OK, await SessionAsync(shop, "https://shop.example"));
        Assert.Equal(HttpStatusCode.OK, await SessionAsync(open, "https://anywhere.example"));
    }
}
