using System.Net;
using System.Net.Http.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Tests.Notifications;

/// <summary>
/// <c>POST /api/v1/notifications</c> applies the user's preferences: quiet hours hold a push back until they end
/// (then the sweep pushes it live), critical categories pass them and opt-outs, marketing never does.
/// </summary>
[Collection(PushCollection.Name)]
public sealed class PushPreferencesTests(PushApp app) : IDisposable
{
    public void Dispose() => app.Clock.Offset = TimeSpan.Zero;

    [Fact]
    public async Task Quiet_hours_hold_a_push_back_until_they_end_then_it_is_pushed_live_and_a_security_push_goes_at_once()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"quiet-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId, email: "fay@example.com", timezone: "America/New_York");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), zone).DateTime);
        await app.SetPreferencesAsync(workspaceId, contactId, p =>
        {
            p.QuietHoursEnabled = true;
            p.QuietHoursStart = local.AddMinutes(-30);
            p.QuietHoursEnd = local.AddMinutes(40);
        });
        await using var device = await app.ConnectUserAsync(admin, userId);

        var held = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Weekly digest", body = "5 new posts" });
        var deliverAfter = held.GetProperty("deliver_after").GetDateTimeOffset();
        Assert.InRange(deliverAfter - app.Clock.GetUtcNow(), TimeSpan.FromMinutes(39), TimeSpan.FromMinutes(40));
        // Its fallback clock starts when it is finally pushed, not now.
        Assert.Equal(deliverAfter + TimeSpan.FromMinutes(15), held.GetProperty("fallback_due_at").GetDateTimeOffset());

        var security = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "New sign-in", body = "From Paris", category = "security" });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, security.GetProperty("deliver_after").ValueKind);
        // The security push was posted after the digest: had the digest gone out, it would have arrived first.
        await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "New sign-in");
        Assert.Equal(0, device.Count(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Weekly digest"));

        // Still quiet: the sweep leaves it alone, and the user's own list does not show it yet.
        Assert.Equal(0, (await app.Sweeper.RunOnceAsync(CancellationToken.None)).Released);
        var list = await device.Connection.InvokeAsync<NotificationList>(RealtimeEventNames.NotificationList, new NotificationListRequest());
        Assert.Equal(["New sign-in"], list.Items.Select(i => i.Title));

        // A device that connects meanwhile is not handed it either.
        var laterToken = await LiveHubApp.MintAsync(admin, userId);
        app.Clock.Offset = deliverAfter - app.Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
        await using var tablet = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), laterToken);
        await tablet.AssertNoneAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Weekly digest", tablet.RoundTripAsync);

        Assert.True((await app.Sweeper.RunOnceAsync(CancellationToken.None)).Released >= 1);
        var pushed = await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Weekly digest");
        Assert.Equal(held.Str("notification_id"), pushed.GetProperty("data").Str("notification_id"));
        await tablet.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Weekly digest");
        Assert.Null((await app.NotificationAsync(workspaceId, PushApp.IdOf(held))).DeliverAfter);

        // Released once only.
        await app.Sweeper.RunOnceAsync(CancellationToken.None);
        await device.AssertNoneAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Weekly digest" && e.GetProperty("seq").GetInt64() != pushed.GetProperty("seq").GetInt64(),
            () => PushFenceAsync(admin, device, userId));
    }

    [Fact]
    public async Task Two_sweepers_racing_release_each_held_back_push_once()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"release-race-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId);
        var local = TimeOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime); // no time zone: UTC
        await app.SetPreferencesAsync(workspaceId, contactId, p =>
        {
            p.QuietHoursEnabled = true;
            p.QuietHoursStart = local.AddMinutes(-5);
            p.QuietHoursEnd = local.AddMinutes(20);
        });
        await using var device = await app.ConnectUserAsync(admin, userId);
        // SignalR answers the handshake before the hub's OnConnectedAsync has run; until it has, a released push can
        // reach the device live and again in the connect-time hand-over (both carry the same seq, which clients drop).
        // The sweepers are the subject here: the device is fully connected first (a call is answered only after).
        await device.RoundTripAsync();
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var held = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = $"Held {i}", body = "later" });
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, held.GetProperty("deliver_after").ValueKind);
            ids.Add(held.Str("notification_id"));
        }

        app.Clock.Offset = TimeSpan.FromMinutes(21);
        var results = await Task.WhenAll(Task.Run(() => app.Sweeper.RunOnceAsync(CancellationToken.None)), Task.Run(() => app.Sweeper.RunOnceAsync(CancellationToken.None)));

        Assert.True(results.Sum(r => r.Released) >= 8);
        foreach (var id in ids)
        {
            await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("notification_id") == id);
        }

        var fence = await PushFenceAsync(admin, device, userId); // a second copy from either sweeper would be here by now
        var wire = device.Events.Where(e => e.Name == RealtimeEventNames.NotificationPush)
            .Select(e => (Id: e.Data.GetProperty("data").Str("notification_id"), Seq: e.Data.GetProperty("seq").GetInt64())).ToList();
        var pushed = wire.Where(p => p.Id != fence).Select(p => p.Id).ToList();
        Assert.True(ids.Order().SequenceEqual(pushed.Order()), $"on the wire (id@seq): {string.Join(", ", wire.Select(p => $"{p.Id}@{p.Seq}"))}");
        var stored = await app.InWorkspaceAsync(workspaceId, db => db.StoredEvents.CountAsync(e => e.Event == RealtimeEventNames.NotificationPush));
        Assert.Equal(8 + 1, stored); // the eight released, and the fence
    }

    /// <summary>
    /// Pushes a security notice (it passes quiet hours) and waits for it on <paramref name="device"/>: it is published
    /// after whatever the test did before, on the same path, so a push that should not have come would already be here.
    /// Returns its notification id.
    /// </summary>
    private static async Task<string> PushFenceAsync(HttpClient admin, RealtimeClient device, string userId)
    {
        var fence = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Fence", body = "-", category = "security" });
        var id = fence.Str("notification_id");
        await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("notification_id") == id);
        return id;
    }

    [Fact]
    public async Task Opt_outs_refuse_a_push_with_422_but_a_security_push_passes_them_and_marketing_cannot_skip_them()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"optout-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId);
        await app.SetPreferencesAsync(workspaceId, contactId, p =>
        {
            p.Categories["marketing"] = false;
            p.Categories["security"] = false; // critical: not the user's to turn off
        });

        var marketing = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Sale", body = "50% off", category = "marketing" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, marketing.StatusCode);
        Assert.Equal("application/problem+json", marketing.Content.Headers.ContentType?.MediaType);
        var problem = await marketing.JsonAsync();
        Assert.Equal("category_opt_out", problem.Str("code"));
        Assert.Contains("marketing", problem.Str("detail"), StringComparison.Ordinal);

        var forced = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Sale", body = "50% off", category = "marketing", respect_preferences = false });
        Assert.Equal(HttpStatusCode.BadRequest, forced.StatusCode);
        Assert.True((await forced.JsonAsync()).GetProperty("errors").TryGetProperty("respect_preferences", out _));

        var security = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Password changed", body = "Was it you?", category = "security" });
        Assert.Equal(HttpStatusCode.Accepted, security.StatusCode);

        var updates = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Shipped", body = "Today" });
        Assert.Equal(HttpStatusCode.Accepted, updates.StatusCode);
    }

    [Fact]
    public async Task Push_turned_off_refuses_every_push_with_422_saying_so_unless_the_sender_overrides_preferences()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"nopush-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId);
        await app.SetPreferencesAsync(workspaceId, contactId, p => p.PushEnabled = false);

        foreach (var category in new[] { "updates", "security" })
        {
            var refused = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Hi", body = "there", category });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.JsonAsync();
            Assert.Equal("channel_disabled", problem.Str("code"));
            Assert.Contains("push off", problem.Str("detail"), StringComparison.Ordinal);
        }

        var overridden = await admin.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Hi", body = "there", respect_preferences = false });
        Assert.Equal(HttpStatusCode.Accepted, overridden.StatusCode);
    }

    [Fact]
    public async Task Support_staff_page_through_a_users_notifications_newest_first_and_other_workspaces_see_none()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"listed-{Guid.NewGuid():N}";
        await PushApp.NewUserAsync(admin, userId);
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add((await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = $"N{i}", body = $"{i}", data = new { n = i } })).Str("notification_id"));
        }

        await using (var device = await app.ConnectUserAsync(admin, userId))
        {
            await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "N3");
            await device.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(Guid.Parse(ids[1]), "clicked"));
        }

        var agent = await app.NewMemberAsync(admin, "agent");
        var first = await agent.GetJsonAsync($"/api/v1/notifications?user_id={userId}&limit=2");
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([ids[2], ids[1]], items.Select(i => i.Str("notification_id")));
        var clicked = items[1];
        Assert.Equal(userId, clicked.Str("user_id"));
        Assert.Equal("normal", clicked.Str("priority"));
        Assert.Equal("updates", clicked.Str("category"));
        Assert.Equal(2, clicked.GetProperty("data").GetProperty("n").GetInt32());
        foreach (var field in new[] { "delivered_at", "acknowledged_at", "opened_at", "clicked_at", "read_at", "fallback_due_at" })
        {
            Assert.NotNull(clicked.GetProperty(field).GetString());
        }

        Assert.Equal(System.Text.Json.JsonValueKind.Null, clicked.GetProperty("fallback_outcome").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[0].GetProperty("clicked_at").ValueKind);
        Assert.NotNull(items[0].GetProperty("delivered_at").GetString()); // handed over on connect

        var second = await agent.GetJsonAsync($"/api/v1/notifications?user_id={userId}&limit=2&cursor={first.Str("next_cursor")}");
        Assert.Equal([ids[0]], second.GetProperty("items").EnumerateArray().Select(i => i.Str("notification_id")));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);

        var unread = await agent.GetJsonAsync($"/api/v1/notifications?user_id={userId}&unread_only=true");
        Assert.Equal([ids[2], ids[0]], unread.GetProperty("items").EnumerateArray().Select(i => i.Str("notification_id")));
        Assert.Equal(ids[1], (await agent.GetJsonAsync($"/api/v1/notifications/{ids[1]}")).Str("notification_id"));

        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync("/api/v1/notifications")).StatusCode);
        Assert.True((await (await agent.GetAsync("/api/v1/notifications")).JsonAsync()).GetProperty("errors").TryGetProperty("user_id", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync($"/api/v1/notifications?user_id={userId}&limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync($"/api/v1/notifications?user_id={userId}&cursor=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/v1/notifications?user_id=nobody")).StatusCode);

        var (other, _) = await app.NewWorkspaceAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/notifications?user_id={userId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/notifications/{ids[0]}")).StatusCode);
        var push = await other.PostAsJsonAsync("/api/v1/notifications", new { user_id = userId, title = "x", body = "y" });
        Assert.Equal(HttpStatusCode.NotFound, push.StatusCode);
    }
}
