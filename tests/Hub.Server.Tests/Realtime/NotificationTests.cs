using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Realtime;

[Collection(LiveHubCollection.Name)]
public sealed class NotificationTests(LiveHubApp app)
{
    [Fact]
    public async Task A_push_reaches_a_connected_user_with_the_spec_fields()
    {
        var admin = await app.SignedInAsync();
        var userId = $"push-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, userId);
        var accepted = await admin.PostJsonAsync("/api/v1/notifications",
            new { user_id = userId, title = "Your order shipped", body = "Arrives Friday", data = new { order_id = "A-42" }, priority = "high" });

        var push = await user.WaitForAsync(RealtimeEventNames.NotificationPush);
        var data = push.GetProperty("data");
        Assert.Equal(accepted.Str("notification_id"), data.Str("notification_id"));
        Assert.Equal(userId, data.Str("user_id"));
        Assert.Equal("Your order shipped", data.Str("title"));
        Assert.Equal("Arrives Friday", data.Str("body"));
        Assert.Equal("high", data.Str("priority"));
        Assert.Equal("A-42", data.GetProperty("data").Str("order_id"));
        Assert.True(data.TryGetProperty("created_at", out _));
        Assert.True(push.GetProperty("seq").GetInt64() > 0);
    }

    [Fact]
    public async Task A_push_for_an_offline_user_is_kept_and_delivered_on_connect_then_listed_and_read()
    {
        var admin = await app.SignedInAsync();
        var userId = $"offline-{Guid.NewGuid():N}";
        await admin.PostJsonAsync("/api/v1/contacts", new { external_id = userId });
        await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "First", body = "1" });
        await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Second", body = "2" });
        var kept = (await admin.GetJsonAsync($"/api/v1/notifications?user_id={userId}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, kept.Count);
        Assert.All(kept, n => Assert.Equal(System.Text.Json.JsonValueKind.Null, n.GetProperty("delivered_at").ValueKind)); // kept, not handed to anyone

        await using var user = await app.ConnectUserAsync(admin, userId);
        await user.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Second");
        var handed = (await admin.GetJsonAsync($"/api/v1/notifications?user_id={userId}")).GetProperty("items").EnumerateArray();
        Assert.All(handed, n => Assert.NotNull(n.GetProperty("delivered_at").GetString()));
        var titles = user.Events.Where(e => e.Name == RealtimeEventNames.NotificationPush).Select(e => e.Data.GetProperty("data").Str("title")).ToList();
        Assert.Equal(["First", "Second"], titles);

        var list = await user.Connection.InvokeAsync<NotificationList>(RealtimeEventNames.NotificationList, new NotificationListRequest(UnreadOnly: true));
        Assert.Equal(2, list.UnreadCount);
        Assert.Equal("Second", list.Items[0].Title);

        var unread = await user.Connection.InvokeAsync<int>(RealtimeEventNames.NotificationRead, new NotificationReadRequest(list.Items[0].NotificationId));
        Assert.Equal(1, unread);
        Assert.Equal(0, await user.Connection.InvokeAsync<int>(RealtimeEventNames.NotificationRead, new NotificationReadRequest(null)));

        // A second device connecting later gets nothing twice: both were handed over already.
        await using var tablet = await app.ConnectUserAsync(admin, userId);
        await tablet.AssertNoneAsync(RealtimeEventNames.NotificationPush, null, tablet.RoundTripAsync);
    }

    [Fact]
    public async Task Acks_record_opened_and_clicked_for_analytics()
    {
        var admin = await app.SignedInAsync();
        var userId = $"ack-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, userId);
        var pushed = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Sale", body = "50% off" });
        var id = Guid.Parse(pushed.Str("notification_id"));

        await user.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(id, "opened"));
        await user.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(id, "clicked"));
        var bad = await Assert.ThrowsAsync<HubException>(() => user.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(id, "liked")));
        Assert.Contains("invalid", bad.Message, StringComparison.Ordinal);

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var notification = await db.Notifications.IgnoreQueryFilters().SingleAsync(n => n.Id == id);
        Assert.NotNull(notification.OpenedAt);
        Assert.NotNull(notification.ClickedAt);
        var events = await db.Events.IgnoreQueryFilters().Where(e => e.UserId == userId).Select(e => e.EventType).ToListAsync();
        Assert.Equal(["notification_clicked", "notification_opened"], events.Order().ToArray());
    }
}
