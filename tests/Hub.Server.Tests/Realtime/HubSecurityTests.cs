using System.Net.Http.Json;
using Hub.Core.Realtime;
using Hub.Server.Auth.Api;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Realtime;

/// <summary>No one listens to another user's or workspace's stream, and bad input leaves the connection usable.</summary>
[Collection(LiveHubCollection.Name)]
public sealed class HubSecurityTests(LiveHubApp app)
{
    private Uri ClientHub => new(app.Address!, "/hubs/client");

    private Uri AgentHub => new(app.Address!, "/hubs/agent");

    [Fact]
    public async Task Forged_expired_overlong_and_missing_tokens_are_refused_at_connect()
    {
        var admin = await app.SignedInAsync();
        var workspaceId = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var now = DateTimeOffset.UtcNow;

        var forged = ClientTokensApi.Mint("not-the-workspace-secret-at-all-0123456789", workspaceId, "mallory", now, now.AddMinutes(5));
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, forged));

        var secret = (await admin.PostJsonAsync("/api/v1/workspace/client-secret", new { })).Str("client_token_secret");
        var expired = ClientTokensApi.Mint(secret, workspaceId, "late", now.AddHours(-2), now.AddHours(-1));
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, expired));

        var overlong = ClientTokensApi.Mint(secret, workspaceId, "forever", now, now.AddDays(30));
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, overlong));

        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, "garbage"));

        // The customer's own backend signing with the real secret is let in.
        var good = ClientTokensApi.Mint(secret, workspaceId, $"real-{Guid.NewGuid():N}", now, now.AddMinutes(5));
        await using var ok = await RealtimeClient.ConnectAsync(ClientHub, good);
        Assert.Equal(HubConnectionState.Connected, ok.Connection.State);
    }

    [Fact]
    public async Task Rotating_the_secret_locks_out_tokens_signed_with_the_old_one()
    {
        var admin = await app.SignedInAsync();
        var old = await LiveHubApp.MintAsync(admin, $"rot-{Guid.NewGuid():N}");
        await admin.PostJsonAsync("/api/v1/workspace/client-secret", new { });
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, old));
    }

    [Fact]
    public async Task Member_tokens_and_user_tokens_only_open_their_own_hub()
    {
        var admin = await app.SignedInAsync();
        var memberToken = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        var userToken = await LiveHubApp.MintAsync(admin, $"u-{Guid.NewGuid():N}");
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(ClientHub, memberToken));
        await Assert.ThrowsAnyAsync<Exception>(() => RealtimeClient.ConnectAsync(AgentHub, userToken));
    }

    [Fact]
    public async Task A_user_never_receives_another_users_events_and_cannot_act_on_their_conversation()
    {
        var admin = await app.SignedInAsync();
        var alice = $"alice-{Guid.NewGuid():N}";
        var bob = $"bob-{Guid.NewGuid():N}";
        await using var aliceClient = await app.ConnectUserAsync(admin, alice);
        await using var bobClient = await app.ConnectUserAsync(admin, bob);
        var bobsConversation = (await bobClient.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "bob's secret"))).ConversationId;
        await admin.PostJsonAsync("/api/v1/notifications", new { user_id = bob, title = "for bob only", body = "private" });
        await bobClient.WaitForAsync(RealtimeEventNames.NotificationPush);

        var send = await Assert.ThrowsAsync<HubException>(() =>
            aliceClient.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(bobsConversation, "hijack")));
        Assert.Contains("not_found", send.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => aliceClient.Connection.InvokeAsync(RealtimeEventNames.TypingStart, new ConversationRef(bobsConversation)));
        await Assert.ThrowsAsync<HubException>(() => aliceClient.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(bobsConversation, Guid.NewGuid())));

        // Resume replays only the caller's own stream, whatever it asks for.
        var resumed = await aliceClient.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(0));
        Assert.DoesNotContain(bob, resumed.Stream, StringComparison.Ordinal);
        // Fences: alice's own push and message go out after bob's did, on the same paths, so a leak would be here first.
        await aliceClient.AssertNoneAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "for bob only", async () =>
        {
            await admin.PostJsonAsync("/api/v1/notifications", new { user_id = alice, title = "for alice", body = "hers" });
            await aliceClient.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "for alice");
        });
        await aliceClient.AssertNoneAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "bob's secret", async () =>
        {
            await aliceClient.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "alice's own"));
            await aliceClient.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "alice's own");
        });
    }

    [Fact]
    public async Task Another_workspaces_agents_hear_nothing_and_reach_nothing()
    {
        var admin = await app.SignedInAsync();
        var other = await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}");
        await using var outsider = await app.ConnectAgentAsync(other);
        var acmeUser = $"acme-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, acmeUser);
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "acme only"))).ConversationId;

        await Assert.ThrowsAsync<HubException>(() =>
            outsider.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, "hello from outside")));
        await Assert.ThrowsAsync<HubException>(() => outsider.Connection.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(conversation)));
        // Fence: a user of the outsider's own workspace comes online and writes, after acme's user did; the outsider
        // hears those, so anything of acme's that leaked would have come first.
        var ownUser = $"own-{Guid.NewGuid():N}";
        await outsider.AssertNoneAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") != "own workspace", async () =>
        {
            await using var own = await app.ConnectUserAsync(other, ownUser);
            await outsider.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == ownUser && e.Str("status") == "online");
            await own.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "own workspace"));
            await outsider.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "own workspace");
        });
        Assert.Equal(0, outsider.Count(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == acmeUser));
    }

    [Fact]
    public async Task Unknown_calls_oversize_payloads_and_floods_get_readable_errors_and_the_connection_stays_usable()
    {
        var admin = await app.SignedInAsync();
        await using var user = await app.ConnectUserAsync(admin, $"noisy-{Guid.NewGuid():N}");

        var unknown = await Assert.ThrowsAsync<HubException>(() => user.Connection.InvokeAsync("conversation.delete_everything", new { }));
        Assert.Contains("conversation.delete_everything", unknown.Message, StringComparison.Ordinal);

        var huge = new string('x', 40 * 1024);
        var tooBig = await Assert.ThrowsAsync<HubException>(() =>
            user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, huge)));
        Assert.Contains("payload_too_large", tooBig.Message, StringComparison.Ordinal);

        var empty = await Assert.ThrowsAsync<HubException>(() =>
            user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "  ")));
        Assert.Contains("invalid", empty.Message, StringComparison.Ordinal);

        Assert.Equal(HubConnectionState.Connected, user.Connection.State);
        var still = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "still here"));
        Assert.NotEqual(Guid.Empty, still.MessageId);
    }

    [Fact]
    public async Task A_flooding_connection_is_throttled_and_told_so_without_being_dropped()
    {
        // The buckets refill on Hub's clock: a test clock here, so the refill comes when the test moves it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tight = new LiveHubApp { ExtraServices = s => s.AddSingleton<TimeProvider>(clock) };
        tight.Settings["Realtime:MessagesPerSecond"] = "2";
        tight.Settings["Realtime:MessageBurst"] = "5";
        await tight.InitializeAsync();
        try
        {
            await FloodAsync(tight, clock);
        }
        finally
        {
            await ((IAsyncLifetime)tight).DisposeAsync();
        }
    }

    private static async Task FloodAsync(LiveHubApp tight, FakeTimeProvider clock)
    {
        var admin = await tight.SignedInAsync();
        await using var user = await tight.ConnectUserAsync(admin, $"flood-{Guid.NewGuid():N}");

        // 30 sends at once against a burst of 5 and 2 per second: most are throttled, and said so.
        var attempts = Enumerable.Range(0, 30).Select(i =>
            user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, $"spam {i}"))).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                await t;
                return "ok";
            }
            catch (HubException ex)
            {
                return ex.Message;
            }
        }));
        Assert.True(outcomes.Count(o => o.Contains("rate_limited:", StringComparison.Ordinal)) >= 15, string.Join(" | ", outcomes));
        Assert.Contains("ok", outcomes);

        // Until a second has passed the bucket stays empty; then its tokens come back.
        var stillEmpty = await Assert.ThrowsAsync<HubException>(() =>
            user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "too soon")));
        Assert.Contains("rate_limited:", stillEmpty.Message, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HubConnectionState.Connected, user.Connection.State);
        var after = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "still here"));
        Assert.NotEqual(Guid.Empty, after.MessageId);
    }

    [Fact]
    public async Task Client_tokens_are_minted_only_by_admins_and_api_keys_with_bounded_lifetime()
    {
        var admin = await app.SignedInAsync();
        var agent = await app.NewMemberAsync(admin, "agent");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/client-tokens", new { user_id = "x" })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsJsonAsync("/api/v1/client-tokens", new { user_id = "x" })).StatusCode);
        var tooLong = await admin.PostAsJsonAsync("/api/v1/client-tokens", new { user_id = "x", expires_in_seconds = 864000 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
        var key = (await admin.PostJsonAsync("/api/v1/api-keys", new { name = "backend" })).Str("key");
        var minted = await app.WithApiKey(key).PostJsonAsync("/api/v1/client-tokens", new { user_id = "from-backend", expires_in_seconds = 300 });
        await using var connected = await RealtimeClient.ConnectAsync(ClientHub, minted.Str("token"));
        Assert.Equal(HubConnectionState.Connected, connected.Connection.State);
    }
}
