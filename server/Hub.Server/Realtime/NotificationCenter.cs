using System.Text.Json;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Realtime;

/// <summary>
/// Push notifications to end users (<c>notification.user.{user_id}.push</c> is the group <c>user:{id}</c>):
/// kept as the user's in-app list, pushed live to every connected device, handed over on connect to a
/// device that was offline, and acknowledged as opened or clicked.
/// </summary>
public sealed class NotificationCenter(
    HubDbContext db, EventStreamStore streams, RealtimeDispatcher dispatcher, IPresenceTracker presence, TimeProvider clock)
{
    public async Task<Notification> PushAsync(
        Guid workspaceId, Guid contactId, string userId, string title, string body, Dictionary<string, JsonElement>? data,
        NotificationPriority priority, string category, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var notification = new Notification
        {
            ContactId = contactId,
            Title = title,
            Body = body,
            Data = data ?? [],
            Priority = priority,
            Category = category,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        var pushed = await streams.AppendAsync(workspaceId, Streams.User(contactId), RealtimeEventNames.NotificationPush,
            PushNotificationMessage.From(notification, userId), cancellationToken);
        notification.StreamSeq = pushed.Seq;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dispatcher.NotificationAsync(pushed);
        if (await presence.GetAsync(workspaceId, PresenceKind.EndUser, userId) != PresenceStatus.Offline)
        {
            await MarkDeliveredAsync(contactId, pushed.Seq, cancellationToken);
        }

        return notification;
    }

    /// <summary>
    /// Takes the notifications not yet handed to any device, oldest first, as they were pushed. Each is claimed
    /// with a conditional update, so two devices connecting at once never both get the same one.
    /// </summary>
    public async Task<IReadOnlyList<StreamEvent<PushNotificationMessage>>> ClaimUndeliveredAsync(Guid contactId, string userId, CancellationToken cancellationToken)
    {
        var pending = await db.Notifications.AsNoTracking().Where(n => n.ContactId == contactId && n.DeliveredAt == null)
            .OrderBy(n => n.StreamSeq).Take(500).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var claimed = new List<StreamEvent<PushNotificationMessage>>();
        foreach (var n in pending)
        {
            if (await db.Notifications.Where(x => x.Id == n.Id && x.DeliveredAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.DeliveredAt, now), cancellationToken) == 1)
            {
                claimed.Add(new StreamEvent<PushNotificationMessage>(
                    Streams.User(contactId), n.StreamSeq, RealtimeEventNames.NotificationPush, n.CreatedAt, PushNotificationMessage.From(n, userId)));
            }
        }

        return claimed;
    }

    /// <summary>Marks notifications as handed to a device (a connected client received them).</summary>
    public Task MarkDeliveredAsync(Guid contactId, long upToSeq, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Notifications.Where(n => n.ContactId == contactId && n.DeliveredAt == null && n.StreamSeq <= upToSeq)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DeliveredAt, now), cancellationToken);
    }

    public async Task<NotificationList> ListAsync(Guid contactId, string userId, NotificationListRequest request, CancellationToken cancellationToken)
    {
        var query = db.Notifications.AsNoTracking().Where(n => n.ContactId == contactId);
        var unread = await query.CountAsync(n => n.ReadAt == null, cancellationToken);
        if (request.UnreadOnly)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        var items = await query.OrderByDescending(n => n.StreamSeq).Take(Math.Clamp(request.Limit, 1, 200)).ToListAsync(cancellationToken);
        return new NotificationList([.. items.Select(n => PushNotificationMessage.From(n, userId))], unread);
    }

    /// <summary>Marks one notification, or all of them, read; returns the unread count after.</summary>
    public async Task<int> MarkReadAsync(Guid contactId, Guid? notificationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var query = db.Notifications.Where(n => n.ContactId == contactId && n.ReadAt == null);
        if (notificationId is { } id)
        {
            if (!await db.Notifications.AnyAsync(n => n.Id == id && n.ContactId == contactId, cancellationToken))
            {
                throw new RealtimeRefusal("not_found", "No such notification.");
            }

            query = query.Where(n => n.Id == id);
        }

        await query.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return await db.Notifications.CountAsync(n => n.ContactId == contactId && n.ReadAt == null, cancellationToken);
    }

    /// <summary>
    /// The user opened or clicked a notification: recorded on it, and as a
    /// <c>notification_opened</c>/<c>notification_clicked</c> event for analytics.
    /// </summary>
    public async Task AcknowledgeAsync(Guid contactId, string userId, NotificationAck ack, CancellationToken cancellationToken)
    {
        var action = ack.Action?.ToLowerInvariant();
        if (action is not ("opened" or "clicked"))
        {
            throw new RealtimeRefusal("invalid", "action must be opened or clicked.");
        }

        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == ack.NotificationId && n.ContactId == contactId, cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such notification.");
        var now = clock.GetUtcNow();
        if (action == "opened")
        {
            notification.OpenedAt ??= now;
            notification.ReadAt ??= now;
        }
        else
        {
            notification.ClickedAt ??= now;
            notification.OpenedAt ??= now;
            notification.ReadAt ??= now;
        }

        notification.DeliveredAt ??= now;
        db.Events.Add(new TrackedEvent
        {
            UserId = userId,
            EventType = $"notification_{action}",
            OccurredAt = now,
            ReceivedAt = now,
            Properties = new() { ["notification_id"] = JsonSerializer.SerializeToElement(notification.Id), ["category"] = JsonSerializer.SerializeToElement(notification.Category) },
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
