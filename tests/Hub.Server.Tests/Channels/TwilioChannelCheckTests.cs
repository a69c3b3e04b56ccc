using System.Net.Http.Json;
using Hub.Adapters.Tests.Sms;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Channels;

/// <summary>
/// A Twilio channel's connection check, sending nothing: its credentials against the Twilio stand-in's account lookup,
/// and a request signed as Twilio signs its callbacks, posted to the channel's own status webhook over a real socket.
/// </summary>
public sealed class TwilioChannelCheckTests(TwilioChannelCheckTests.LiveTwilioApp app) : IClassFixture<TwilioChannelCheckTests.LiveTwilioApp>
{
    /// <summary>Hub on a real socket (the self-test posts to it) with the real Twilio adapter pointed at the stand-in.</summary>
    public sealed class LiveTwilioApp : FakeTwilioApp
    {
        public LiveTwilioApp() => UseRealSockets = true;
    }

    private static async Task<string> ChannelAsync(HttpClient admin, string token) =>
        (await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = $"SMS {Guid.NewGuid():N}"[..12], type = "sms", provider = "twilio", address = "+15005550006",
            settings = new Dictionary<string, string> { ["account_sid"] = FakeTwilio.AccountSid, ["auth_token"] = token, ["from"] = "+15005550006" },
        })).Str("id");

    [Fact]
    public async Task Right_credentials_sign_in_to_twilio_and_the_webhook_accepts_a_signature_made_like_twilios()
    {
        var admin = await app.NewWorkspaceAsync($"Twilio check {Guid.NewGuid():N}");
        var id = await ChannelAsync(admin, FakeTwilio.AuthToken);
        var sent = app.Twilio.Created.Count;

        var check = await admin.PostJsonAsync($"/api/v1/channels/{id}/check", new { });

        Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString());
        Assert.Equal("healthy", check.Str("health"));
        var servers = check.GetProperty("servers").EnumerateArray().ToDictionary(s => s.Str("protocol"));
        Assert.Contains("Hub test account", servers["twilio"].Str("greeting"), StringComparison.Ordinal);
        Assert.Equal("Signature accepted", servers["webhook"].Str("greeting"));
        Assert.Contains($"/webhooks/twilio/{id}/status", servers["webhook"].GetProperty("transcript")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(app.Twilio.Requests, r => r.AccountSid == FakeTwilio.AccountSid && r.Authorization.StartsWith("Basic ", StringComparison.Ordinal) && r.Form.Count == 0);
        Assert.Equal(sent, app.Twilio.Created.Count); // nothing was sent
        Assert.Equal("healthy", (await admin.GetJsonAsync($"/api/v1/channels/{id}")).Str("health"));
    }

    [Fact]
    public async Task A_wrong_auth_token_is_said_in_twilios_words_and_the_channel_is_degraded()
    {
        var admin = await app.NewWorkspaceAsync($"Twilio wrong {Guid.NewGuid():N}");
        var id = await ChannelAsync(admin, "not-the-token");

        var check = await admin.PostJsonAsync($"/api/v1/channels/{id}/check", new { });

        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal("degraded", check.Str("health"));
        var twilio = check.GetProperty("servers").EnumerateArray().Single(s => s.Str("protocol") == "twilio");
        Assert.False(twilio.GetProperty("ok").GetBoolean());
        Assert.Contains("refused the Account SID and Auth Token", twilio.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_channels_webhook_is_reported_as_not_answering()
    {
        var admin = await app.NewWorkspaceAsync($"Twilio off {Guid.NewGuid():N}");
        var id = await ChannelAsync(admin, FakeTwilio.AuthToken);
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{id}", new { is_active = false })).EnsureSuccessStatusCode();

        var check = await admin.PostJsonAsync($"/api/v1/channels/{id}/check", new { });

        var webhook = check.GetProperty("servers").EnumerateArray().Single(s => s.Str("protocol") == "webhook");
        Assert.False(webhook.GetProperty("ok").GetBoolean());
        Assert.Contains("404", webhook.Str("detail"), StringComparison.Ordinal);
    }
}

/// <summary>When the public address Twilio is told to call does not answer, the self-test says so.</summary>
public sealed class TwilioUnreachableWebhookTests(TwilioUnreachableWebhookTests.DeadPublicUrlApp app) : IClassFixture<TwilioUnreachableWebhookTests.DeadPublicUrlApp>
{
    public sealed class DeadPublicUrlApp : FakeTwilioApp
    {
        public DeadPublicUrlApp() => Settings["Twilio:PublicBaseUrl"] = "http://127.0.0.1:9/";
    }

    [Fact]
    public async Task An_unreachable_public_url_fails_the_webhook_check_naming_the_url()
    {
        var admin = await app.NewWorkspaceAsync($"Twilio dead {Guid.NewGuid():N}");
        var id = (await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "SMS", type = "sms", provider = "twilio", address = "+15005550006",
            settings = new Dictionary<string, string> { ["account_sid"] = FakeTwilio.AccountSid, ["auth_token"] = FakeTwilio.AuthToken, ["from"] = "+15005550006" },
        })).Str("id");

        var check = await admin.PostJsonAsync($"/api/v1/channels/{id}/check", new { });

        var webhook = check.GetProperty("servers").EnumerateArray().Single(s => s.Str("protocol") == "webhook");
        Assert.False(webhook.GetProperty("ok").GetBoolean());
        Assert.Contains($"Could not reach http://127.0.0.1:9/webhooks/twilio/{id}/status", webhook.Str("detail"), StringComparison.Ordinal);
        Assert.True(check.GetProperty("servers").EnumerateArray().Single(s => s.Str("protocol") == "twilio").GetProperty("ok").GetBoolean());
    }
}
