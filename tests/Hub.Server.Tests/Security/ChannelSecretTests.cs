using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks;
using Hub.Server.Modules.Channels.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Security;

/// <summary>The Twilio round-trip Hub (real sockets, a Twilio stand-in that checks the auth token), logging everything.</summary>
public sealed class ChannelSecretApp : TwilioRoundTripApp
{
    public ChannelSecretApp()
    {
        // Every category at Trace, including the ones appsettings.json quiets: a secret must not reach any of them.
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore.DataProtection", "System.Net.Http" })
        {
            Settings[$"Logging:LogLevel:{category}"] = "Trace";
        }
    }
}

/// <summary>
/// Channel credentials at rest: encrypted with Data Protection (the key ring in the database) in the row itself, never
/// returned by the API, never logged, and still what the adapters use: Twilio's basic auth and webhook signatures, the
/// email webhook secret. A second Hub on the same database reads them; a plain value stored before encryption still
/// works and is encrypted on the next save.
/// </summary>
public sealed class ChannelSecretTests(ChannelSecretApp app) : IClassFixture<ChannelSecretApp>
{
    private const string Number = "+15005550006";

    [Fact]
    public async Task A_twilio_token_is_encrypted_in_the_row_masked_in_the_api_unlogged_and_still_signs_and_sends()
    {
        var admin = await app.SignedInAsync();
        var channelId = await CreateTwilioChannelAsync(admin, app.AuthToken);

        // At rest: the row holds an envelope, not the token.
        var raw = await RawSettingsAsync(channelId);
        Assert.DoesNotContain(app.AuthToken, raw, StringComparison.Ordinal);
        Assert.Contains("enc:v1:", raw, StringComparison.Ordinal);
        Assert.Contains(TwilioRoundTripApp.AccountSid, raw, StringComparison.Ordinal); // only secrets are encrypted

        // The API: masked in GET one and in the list.
        var one = await admin.GetStringAsync($"/api/v1/channels/{channelId}");
        var list = await admin.GetStringAsync("/api/v1/channels");
        Assert.DoesNotContain(app.AuthToken, one, StringComparison.Ordinal);
        Assert.DoesNotContain(app.AuthToken, list, StringComparison.Ordinal);
        Assert.DoesNotContain("enc:v1:", one + list, StringComparison.Ordinal);
        Assert.Equal("********", JsonDocument.Parse(one).RootElement.GetProperty("settings").GetProperty("auth_token").GetString());

        // A status callback URL added by PATCH leaves the encrypted token intact; so does sending the mask back.
        var statusUrl = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/status").AbsoluteUri;
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { settings = new Dictionary<string, string> { ["status_callback"] = statusUrl, ["auth_token"] = "********" } }))
            .EnsureSuccessStatusCode();
        Assert.DoesNotContain(app.AuthToken, await RawSettingsAsync(channelId), StringComparison.Ordinal);

        // Webhooks: Twilio's signature is checked against the decrypted token.
        var customer = "+1415555" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var inboundUrl = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;
        Assert.Equal(HttpStatusCode.Forbidden, await PostInboundAsync(app.Anonymous(), inboundUrl, "wrong-token", customer, "forged"));
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(app.Anonymous(), inboundUrl, app.AuthToken, customer, "Where is my parcel?"));

        // Sending: the stand-in only accepts the real token in basic auth; its signed callbacks move the reply to delivered.
        var inbound = await WaitAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages?channel_id={channelId}");
            return page.GetProperty("items").EnumerateArray().Select(m => (JsonElement?)m).FirstOrDefault();
        });
        var conversationId = inbound.Str("conversation_id");
        var reply = await admin.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "It arrives tomorrow." });
        var delivered = await WaitAsync(async () =>
        {
            var m = await admin.GetJsonAsync($"/api/v1/messages/{reply.Str("id")}");
            return m.Str("status") == "delivered" ? m : (JsonElement?)null;
        });
        Assert.StartsWith("SM", delivered.Str("external_id"), StringComparison.Ordinal);
        Assert.Contains(app.Sent, s => s["To"] == customer);

        AssertNeverLogged(app.AuthToken, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioRoundTripApp.AccountSid}:{app.AuthToken}")));
    }

    [Fact]
    public async Task Email_passwords_and_webhook_secrets_are_encrypted_and_a_changed_secret_replaces_the_old_one()
    {
        var admin = await app.SignedInAsync();
        var password = "smtp-" + Secret();
        var oldSecret = "hook-" + Secret();
        var created = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Support mail", type = "email", provider = "smtp", address = "support@acme.test",
            settings = new Dictionary<string, object> { ["smtp_host"] = "127.0.0.1", ["smtp_password"] = password, [EmailWebhooks.SecretSetting] = oldSecret, ["api_key"] = 123456789 },
        });
        var channelId = created.Str("id");
        Assert.Equal("********", created.GetProperty("settings").GetProperty("smtp_password").GetString());
        var raw = await RawSettingsAsync(channelId);
        Assert.DoesNotContain(password, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(oldSecret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("123456789", raw, StringComparison.Ordinal); // a number is a secret too when its key says so

        Assert.Equal(HttpStatusCode.OK, await PostEmailAsync(channelId, oldSecret));
        Assert.Equal(HttpStatusCode.Forbidden, await PostEmailAsync(channelId, "nope"));

        var newSecret = "hook-" + Secret();
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { settings = new Dictionary<string, string> { [EmailWebhooks.SecretSetting] = newSecret } }))
            .EnsureSuccessStatusCode();
        raw = await RawSettingsAsync(channelId);
        Assert.DoesNotContain(newSecret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(password, raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PostEmailAsync(channelId, newSecret));
        Assert.Equal(HttpStatusCode.Forbidden, await PostEmailAsync(channelId, oldSecret));

        // The SMTP password reaches the adapter decrypted (the IMAP poller's directory reads it the same way).
        await using (var scope = app.Scope())
        {
            var mailbox = (await scope.ServiceProvider.GetRequiredService<Hub.Adapters.Email.IEmailChannelDirectory>().ListActiveAsync(default))
                .SingleOrDefault(m => m.ChannelId == Guid.Parse(channelId));
            Assert.Null(mailbox); // no imap_host: not polled
        }

        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { settings = new Dictionary<string, string> { ["imap_host"] = "127.0.0.1", ["imap_password"] = password } }))
            .EnsureSuccessStatusCode();
        await using (var scope = app.Scope())
        {
            var mailbox = (await scope.ServiceProvider.GetRequiredService<Hub.Adapters.Email.IEmailChannelDirectory>().ListActiveAsync(default)).Single(m => m.ChannelId == Guid.Parse(channelId));
            Assert.Equal(password, mailbox.Imap!.Password);
            Assert.Equal(password, mailbox.Smtp!.Password);
        }

        AssertNeverLogged(password, oldSecret, newSecret);
    }

    [Fact]
    public async Task A_second_hub_on_the_same_database_reads_what_the_first_encrypted_and_the_first_reads_what_the_second_wrote()
    {
        var admin = await app.SignedInAsync();
        var channelId = await CreateTwilioChannelAsync(admin, app.AuthToken);
        await using var second = new HubApp { SameStoreAs = app };
        second.Settings["Delivery:Enabled"] = "false";
        second.Settings["Email:ImapEnabled"] = "false";
        await second.InitializeAsync();

        // The second node (in-memory server: Twilio signed http://localhost/…) checks a signature with the first's token.
        var secondUrl = $"http://localhost/webhooks/twilio/{channelId}/inbound";
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(second.Anonymous(), secondUrl, app.AuthToken, "+14155550111", "hello node two"));

        // The second node rotates the token; the first node checks signatures with the new one.
        var rotated = Secret();
        var secondAdmin = await second.SignedInAsync();
        (await secondAdmin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { settings = new Dictionary<string, string> { ["auth_token"] = rotated } }))
            .EnsureSuccessStatusCode();
        Assert.DoesNotContain(rotated, await RawSettingsAsync(channelId), StringComparison.Ordinal);
        var firstUrl = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(app.Anonymous(), firstUrl, rotated, "+14155550112", "hello node one"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostInboundAsync(app.Anonymous(), firstUrl, app.AuthToken, "+14155550112", "old token"));
        Assert.DoesNotContain(second.Logs, l => l.Contains(rotated, StringComparison.Ordinal) || l.Contains(app.AuthToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plain_secret_stored_before_encryption_still_works_and_is_encrypted_on_the_next_save()
    {
        var token = Secret();
        var workspaceId = await WorkspaceIdAsync();
        var channel = new Channel
        {
            Name = "Legacy SMS", Type = ChannelType.Sms, Provider = TwilioChannelSettings.Provider, Address = Number,
            Settings = new Dictionary<string, JsonElement>
            {
                ["account_sid"] = JsonSerializer.SerializeToElement(TwilioRoundTripApp.AccountSid),
                ["auth_token"] = JsonSerializer.SerializeToElement(token),
            },
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        await using (var scope = app.Scope())
        {
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.Channels.Add(channel);
            await db.SaveChangesAsync();
        }

        var channelId = channel.Id.ToString();
        Assert.Contains(token, await RawSettingsAsync(channelId), StringComparison.Ordinal); // the old, plain form
        var url = new Uri(app.Address!, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(app.Anonymous(), url, token, "+14155550120", "legacy"));

        var admin = await app.SignedInAsync();
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { name = "Legacy SMS (renamed)" })).EnsureSuccessStatusCode();
        var raw = await RawSettingsAsync(channelId);
        Assert.DoesNotContain(token, raw, StringComparison.Ordinal);
        Assert.Contains("enc:v1:", raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(app.Anonymous(), url, token, "+14155550121", "still works"));
    }

    [Fact]
    public async Task A_planted_envelope_is_encrypted_again_so_a_ciphertext_copied_from_another_channel_is_useless()
    {
        var admin = await app.SignedInAsync();
        var victimId = await CreateTwilioChannelAsync(admin, app.AuthToken);
        var stolen = JsonDocument.Parse(await RawSettingsAsync(victimId)).RootElement.GetProperty("auth_token").GetString()!;
        Assert.StartsWith("enc:v1:", stolen, StringComparison.Ordinal);

        // Someone who read the database and writes the ciphertext into their own channel does not get the token back.
        var copyId = await CreateTwilioChannelAsync(admin, stolen);
        var url = new Uri(app.Address!, $"/webhooks/twilio/{copyId}/inbound").AbsoluteUri;
        Assert.Equal(HttpStatusCode.Forbidden, await PostInboundAsync(app.Anonymous(), url, app.AuthToken, "+14155550130", "copied"));
        Assert.Equal(HttpStatusCode.OK, await PostInboundAsync(app.Anonymous(), url, stolen, "+14155550131", "literal"));
    }

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task<string> CreateTwilioChannelAsync(HttpClient admin, string token) =>
        (await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS", type = "sms", provider = "twilio", address = Number,
            settings = new Dictionary<string, string> { ["account_sid"] = TwilioRoundTripApp.AccountSid, ["auth_token"] = token, ["from"] = Number },
        })).Str("id");

    private static async Task<HttpStatusCode> PostInboundAsync(HttpClient client, string url, string signWith, string from, string body)
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = TwilioRoundTripApp.AccountSid,
            ["From"] = from, ["To"] = Number, ["Body"] = body, ["NumMedia"] = "0", ["ApiVersion"] = "2010-04-01",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(signWith, url, form));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> PostEmailAsync(string channelId, string secret)
    {
        var mime = $"From: Ann <ann-{Guid.NewGuid():N}@example.com>\r\nTo: support@acme.test\r\nSubject: Hi\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n\r\nHello there\r\n";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/email/{channelId}/inbound")
        {
            Content = new StringContent(mime, Encoding.UTF8, "message/rfc822"),
        };
        request.Headers.Add(EmailWebhooks.SecretHeader, secret);
        using var response = await app.Anonymous().SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The channel row's settings column exactly as the database holds it, read without EF's conversions.</summary>
    private async Task<string> RawSettingsAsync(string channelId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var id = Guid.Parse(channelId);
        DbConnection connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "Id", "Settings" FROM channels""";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (Guid.TryParse(reader.GetValue(0).ToString(), out var rowId) && rowId == id)
                {
                    return reader.GetString(1);
                }
            }
        }
        finally
        {
            await connection.CloseAsync();
        }

        throw new InvalidOperationException($"No channel row {channelId}.");
    }

    private async Task<Guid> WorkspaceIdAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.IgnoreQueryFilters().Select(w => w.Id).FirstAsync();
    }

    private void AssertNeverLogged(params string[] secrets)
    {
        Assert.True(app.Logs.Count > 100, $"only {app.Logs.Count} log lines: is logging at Trace?");
        foreach (var secret in secrets)
        {
            var leaks = app.Logs.Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"a secret was logged: {string.Join("\n", leaks.Take(3))}");
        }
    }

    private static async Task<JsonElement> WaitAsync(Func<Task<JsonElement?>> probe)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The condition never held.");
    }
}
