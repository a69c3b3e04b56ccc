using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Server.Modules.Notifications;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Tests.Notifications;

/// <summary>
/// A push no device acknowledges in time goes out by the user's next allowed channel, once, whatever the number of
/// sweepers; an acknowledged one never does. The clock is moved, never slept on.
/// </summary>
[Collection(PushCollection.Name)]
public sealed class PushFallbackTests(PushApp app) : IDisposable
{
    private static readonly TimeSpan PastDeadline = TimeSpan.FromMinutes(16);

    public void Dispose() => app.Clock.Offset = TimeSpan.Zero;

    [Fact]
    public async Task An_offline_users_unacknowledged_push_falls_back_to_email_and_the_email_is_sent()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"fallback-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId, email: "ana@example.com", phone: "+14155550123");
        var accepted = await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Your order shipped", body = "Arrives <Friday>" });
        var id = PushApp.IdOf(accepted);
        Assert.NotNull(accepted.GetProperty("fallback_due_at").GetString());

        await app.Sweeper.RunOnceAsync(CancellationToken.None); // before the deadline: nothing
        Assert.Null((await app.NotificationAsync(workspaceId, id)).FallbackOutcome);

        app.Clock.Offset = PastDeadline;
        await app.Sweeper.RunOnceAsync(CancellationToken.None);

        var notification = await app.NotificationAsync(workspaceId, id);
        Assert.Equal("sent:email", notification.FallbackOutcome);
        var messageId = notification.FallbackMessageId!.Value;
        var message = await app.InWorkspaceAsync(workspaceId, db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId));
        Assert.Equal(ChannelType.Email, message.ChannelType);
        Assert.Equal("ana@example.com", message.Address);
        Assert.Equal("Your order shipped", message.Subject);
        Assert.Equal("Arrives <Friday>", message.Text);
        Assert.Contains("Arrives &lt;Friday&gt;", message.Html, StringComparison.Ordinal);
        Assert.Equal(id.ToString(), message.Metadata["notification_id"].GetString());

        var recorded = await app.InWorkspaceAsync(workspaceId, db => db.Events.AsNoTracking().SingleAsync(e => e.ContactId == contactId && e.EventType == PushFallback.EventType));
        Assert.Equal(EventEvaluation.NotEvaluated, recorded.Evaluation);
        Assert.Equal(userId, recorded.UserId);
        Assert.Equal("email", recorded.Properties["channel"].GetString());
        Assert.Equal("sent:email", recorded.Properties["outcome"].GetString());

        await app.DeliverAsync();
        Assert.Contains(messageId, app.Sender.Sent);

        // Support staff see it; a second sweep does nothing more.
        var listed = (await admin.GetJsonAsync($"/api/v1/notifications?user_id={userId}")).GetProperty("items")[0];
        Assert.Equal("sent:email", listed.Str("fallback_outcome"));
        Assert.Equal(messageId.ToString(), listed.Str("fallback_message_id"));
        await app.Sweeper.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, await app.InWorkspaceAsync(workspaceId, db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task A_push_a_device_acknowledged_as_received_never_falls_back()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"acked-{Guid.NewGuid():N}";
        await PushApp.NewUserAsync(admin, userId, email: "ben@example.com");
        await using var device = await app.ConnectUserAsync(admin, userId);
        var acked = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Acked", body = "1" }));
        var ignored = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Ignored", body = "2" }));
        await device.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Ignored");
        await device.Connection.InvokeAsync(RealtimeEventNames.NotificationAck, new NotificationAck(acked, "received"));

        app.Clock.Offset = PastDeadline;
        await app.Sweeper.RunOnceAsync(CancellationToken.None);

        var kept = await app.NotificationAsync(workspaceId, acked);
        Assert.NotNull(kept.AcknowledgedAt);
        Assert.Null(kept.OpenedAt); // received is not opened
        Assert.Null(kept.FallbackOutcome);
        Assert.Null(kept.FallbackMessageId);
        // Delivered to the device is not enough: only an ack stops the fallback.
        Assert.Equal("sent:email", (await app.NotificationAsync(workspaceId, ignored)).FallbackOutcome);
        Assert.Equal(1, await app.InWorkspaceAsync(workspaceId, db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task With_email_turned_off_the_fallback_goes_by_sms()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"sms-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId, email: "cai@example.com", phone: "+14155550124");
        await app.SetPreferencesAsync(workspaceId, contactId, p => p.EmailEnabled = false);
        var id = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Code", body = "Your code is 1234" }));

        app.Clock.Offset = PastDeadline;
        await app.Sweeper.RunOnceAsync(CancellationToken.None);

        var notification = await app.NotificationAsync(workspaceId, id);
        Assert.Equal("sent:sms", notification.FallbackOutcome);
        var message = await app.InWorkspaceAsync(workspaceId, db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == notification.FallbackMessageId));
        Assert.Equal(ChannelType.Sms, message.ChannelType);
        Assert.Equal("+14155550124", message.Address);
        Assert.Equal("Code: Your code is 1234", message.Text);
        await app.DeliverAsync();
        Assert.Contains(message.Id, app.Sender.Sent);
    }

    [Fact]
    public async Task With_no_channel_left_the_fallback_is_recorded_as_skipped_with_each_channels_reason()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var nowhere = $"nowhere-{Guid.NewGuid():N}";
        var nowhereId = await PushApp.NewUserAsync(admin, nowhere); // no email, no phone
        var mixed = $"mixed-{Guid.NewGuid():N}";
        var mixedId = await PushApp.NewUserAsync(admin, mixed, email: "dee@example.com");
        await app.SetPreferencesAsync(workspaceId, mixedId, p => p.EmailEnabled = false); // email off, and no phone for SMS
        var first = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = nowhere, title = "Hi", body = "1" }));
        var second = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = mixed, title = "Hi", body = "2" }));
        var noFallback = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = mixed, title = "No fallback", body = "3", fallback = false }));

        app.Clock.Offset = PastDeadline;
        await app.Sweeper.RunOnceAsync(CancellationToken.None);

        Assert.Equal("skipped:no_address", (await app.NotificationAsync(workspaceId, first)).FallbackOutcome);
        Assert.Equal("skipped:no_channel", (await app.NotificationAsync(workspaceId, second)).FallbackOutcome);
        var untouched = await app.NotificationAsync(workspaceId, noFallback);
        Assert.Null(untouched.FallbackDueAt);
        Assert.Null(untouched.FallbackOutcome);
        Assert.Equal(0, await app.InWorkspaceAsync(workspaceId, db => db.Messages.CountAsync()));

        var recorded = await app.InWorkspaceAsync(workspaceId, db => db.Events.AsNoTracking().SingleAsync(e => e.ContactId == mixedId && e.EventType == PushFallback.EventType));
        Assert.Equal(JsonValueKind.Null, recorded.Properties["channel"].ValueKind);
        var tried = recorded.Properties["tried"].EnumerateArray().Select(t => (t.Str("channel"), t.Str("code"))).ToList();
        Assert.Equal([("email", "channel_disabled"), ("sms", "no_address")], tried);
        Assert.Single(await app.InWorkspaceAsync(workspaceId, db => db.Events.AsNoTracking().Where(e => e.ContactId == nowhereId && e.EventType == PushFallback.EventType).ToListAsync()));
    }

    [Fact]
    public async Task A_fallback_email_in_the_users_quiet_hours_waits_for_them_to_end()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var userId = $"night-{Guid.NewGuid():N}";
        var contactId = await PushApp.NewUserAsync(admin, userId, email: "eve@example.com", timezone: "Asia/Tokyo");
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), tokyo).DateTime);
        await app.SetPreferencesAsync(workspaceId, contactId, p =>
        {
            p.QuietHoursEnabled = true;
            p.QuietHoursStart = local.AddMinutes(10); // they start before the deadline and end an hour after it
            p.QuietHoursEnd = local.AddMinutes(75);
        });
        // The push itself goes now (quiet hours have not started); its fallback falls inside them.
        var id = PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Statement ready", body = "See the app" }));

        app.Clock.Offset = PastDeadline;
        await app.Sweeper.RunOnceAsync(CancellationToken.None);
        var notification = await app.NotificationAsync(workspaceId, id);
        Assert.Equal("deferred:email", notification.FallbackOutcome);
        var entry = await app.InWorkspaceAsync(workspaceId, db => db.Outbox.AsNoTracking().SingleAsync(o => o.MessageId == notification.FallbackMessageId));
        var expectedEnd = notification.CreatedAt + TimeSpan.FromMinutes(75);
        Assert.InRange(entry.NextAttemptAt, expectedEnd - TimeSpan.FromMinutes(1), expectedEnd + TimeSpan.FromMinutes(1));

        await app.DeliverAsync();
        Assert.DoesNotContain(entry.MessageId, app.Sender.Sent);
        app.Clock.Offset = TimeSpan.FromMinutes(76);
        await app.DeliverAsync();
        Assert.Contains(entry.MessageId, app.Sender.Sent);
        Assert.Equal(OutboxState.Sent, (await app.InWorkspaceAsync(workspaceId, db => db.Outbox.AsNoTracking().SingleAsync(o => o.MessageId == entry.MessageId))).State);
    }

    [Fact]
    public async Task Two_sweepers_racing_send_one_fallback_per_push_not_two()
    {
        var (admin, workspaceId) = await app.NewWorkspaceAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var userId = $"race-{i}-{Guid.NewGuid():N}";
            await PushApp.NewUserAsync(admin, userId, email: $"race{i}@example.com");
            ids.Add(PushApp.IdOf(await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Race", body = $"{i}" })));
        }

        app.Clock.Offset = PastDeadline;
        var start = new TaskCompletionSource();
        async Task<PushSweepResult> Sweep()
        {
            await start.Task;
            return await app.Sweeper.RunOnceAsync(CancellationToken.None);
        }

        var sweeps = new[] { Task.Run(Sweep), Task.Run(Sweep) };
        start.SetResult();
        await Task.WhenAll(sweeps);

        var messages = await app.InWorkspaceAsync(workspaceId, db => db.Messages.AsNoTracking().ToListAsync());
        Assert.Equal(12, messages.Count);
        Assert.Equal(ids.Select(i => i.ToString()).Order(), messages.Select(m => m.Metadata["notification_id"].GetString()!).Order());
        Assert.Equal(12, await app.InWorkspaceAsync(workspaceId, db => db.Events.CountAsync(e => e.EventType == PushFallback.EventType)));
        Assert.All(await app.InWorkspaceAsync(workspaceId, db => db.Notifications.AsNoTracking().ToListAsync()), n => Assert.Equal("sent:email", n.FallbackOutcome));
        await app.DeliverAsync();
        Assert.Equal(12, app.Sender.Sent.Count(messages.Select(m => m.Id).Contains));
    }
}
