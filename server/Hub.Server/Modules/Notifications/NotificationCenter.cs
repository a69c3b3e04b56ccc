using System.Text.Json;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Modules.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Realtime;

namespace Hub.Server.Modules.Notifications;

/// <summary>
/// Push notifications to end users (<c>notification.user.{user_id}.push</c> is the group <c>user:{id}</c>):
/// kept as the user's in-app list, pushed live to every connected device, handed over on connect to a
/// device that was offline, and acknowledged as opened or clicked.
/// </summary>
public sealed class NotificationCenter(
    HubDbContext db,
    UnitOfWork work,
    RealtimeDispatcher dispatcher,
    IPresenceTracker presence,
    IOptions<NotificationOptions> options,
    IEnumerable<INotificationAckObserver> observers,
    TimeProvider clock)
{
    /// <summary>Stores the push and sends it to the user's connected devices (or keeps it for the next one to connect).</summary>
    public async Task<Notification> PushAsync(Guid workspaceId, PushRequest request, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        var notification = await QueueAsync(workspaceId, request, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return notification;
    }

    /// <summary>
    /// Stores the push inside the caller's open transaction (so a rule's suppression claim, its decision and the
    /// push commit together) and appends it to the user's stream unless it is held back
    /// (<see cref="PushRequest.DeliverAfter"/>). It is pushed to the user's devices when the caller's
    /// <see cref="UnitOfWork"/> commits.
    /// </summary>
    public async Task<Notification> QueueAsync(Guid workspaceId, PushRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("QueueAsync runs inside the caller's transaction.");
        }

        var now = clock.GetUtcNow();
        var held = request.DeliverAfter is { } after && after > now;
        var fallbackAfter = options.Value.PushFallbackAfter;
        var notification = new Notification
        {
            ContactId = request.ContactId,
            Title = request.Title,
            Body = request.Body,
            Data = request.Data ?? [],
            Priority = request.Priority,
            Category = request.Category,
            CreatedAt = now,
            DeliverAfter = held ? request.DeliverAfter : null,
            FallbackDueAt = request.Fallback && fallbackAfter > TimeSpan.Zero ? (held ? request.DeliverAfter!.Value : now) + fallbackAfter : null,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        if (!held)
        {
            await AppendAsync(workspaceId, notification, request.UserId, cancellationToken);
        }

        return notification;
    }

    /// <summary>
    /// Sends a held-back push now (its quiet hours ended): appends it to the user's stream inside the caller's
    /// transaction; pushed when the caller's <see cref="UnitOfWork"/> commits.
    /// </summary>
    public async Task ReleaseAsync(Guid workspaceId, Notification notification, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        notification.DeliverAfter = null;
        await db.SaveChangesAsync(cancellationToken);
        await AppendAsync(workspaceId, notification, userId, cancellationToken);
    }

    private async Task AppendAsync(Guid workspaceId, Notification notification, string userId, CancellationToken cancellationToken)
    {
        var contactId = notification.ContactId;
        var pushed = await work.AppendAsync(workspaceId, Streams.User(contactId), RealtimeEventNames.NotificationPush,
            PushNotificationMessage.From(notification, userId), async (pushed, ct) =>
            {
                await dispatcher.NotificationAsync(pushed);
                if (await presence.GetAsync(workspaceId, PresenceKind.EndUser, userId) != PresenceStatus.Offline)
                {
                    await MarkDeliveredAsync(contactId, pushed.Seq, ct);
                }
            }, cancellationToken);
        notification.StreamSeq = pushed.Seq;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Takes the notifications not yet handed to any device, oldest first, as they were pushed. Each is claimed
    /// with a conditional update, so two devices connecting at once never both get the same one.
    /// </summary>
    public async Task<IReadOnlyList<StreamEvent<PushNotificationMessage>>> ClaimUndeliveredAsync(Guid contactId, string userId, CancellationToken cancellationToken)
    {
        var pending = await db.Notifications.AsNoTracking().Where(n => n.ContactId == contactId && n.DeliveredAt == null && n.DeliverAfter == null)
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
        return db.Notifications.Where(n => n.ContactId == contactId && n.DeliveredAt == null && n.DeliverAfter == null && n.StreamSeq <= upToSeq)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DeliveredAt, now), cancellationToken);
    }

    public async Task<NotificationList> ListAsync(Guid contactId, string userId, NotificationListRequest request, CancellationToken cancellationToken)
    {
        var query = db.Notifications.AsNoTracking().Where(n => n.ContactId == contactId && n.DeliverAfter == null);
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
    /// <c>notification_opened</c>/<c>notification_clicked</c> event for analytics. A campaign's push (its data carries
    /// <c>campaign_id</c>) counts once per notification in the campaign's live analytics; its stats read the same
    /// opened/clicked times through the ledger.
    /// </summary>
    public async Task AcknowledgeAsync(Guid contactId, string userId, NotificationAck ack, CancellationToken cancellationToken)
    {
        var action = ack.Action?.ToLowerInvariant();
        if (action is not ("received" or "opened" or "clicked"))
        {
            throw new RealtimeRefusal("invalid", "action must be received, opened or clicked.");
        }

        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == ack.NotificationId && n.ContactId == contactId, cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such notification.");
        var now = clock.GetUtcNow();
        notification.AcknowledgedAt ??= now; // any ack means a device has it: no fallback needed
        notification.DeliveredAt ??= now;
        if (action == "received")
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var firstOpen = notification.OpenedAt is null;
        var firstClick = action == "clicked" && notification.ClickedAt is null;
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
            ContactId = contactId,
            EventType = $"notification_{action}",
            OccurredAt = now,
            ReceivedAt = now,
            Evaluation = EventEvaluation.NotEvaluated, // Hub's own record, for analytics: rules never run on it
            Properties = new() { ["notification_id"] = JsonSerializer.SerializeToElement(notification.Id), ["category"] = JsonSerializer.SerializeToElement(notification.Category) },
        });
        await db.SaveChangesAsync(cancellationToken);
        foreach (var observer in observers)
        {
            observer.Acknowledged(notification, firstOpen, firstClick);
        }
    }
}

/// <summary>One push notification to one user's devices.</summary>
public sealed record PushRequest(Guid ContactId, string UserId, string Title, string Body)
{
    public Dictionary<string, JsonElement>? Data { get; init; }

    public NotificationPriority Priority { get; init; } = NotificationPriority.Normal;

    public string Category { get; init; } = "updates";

    /// <summary>Hold it back until then (the user's quiet hours); null: now.</summary>
    public DateTimeOffset? DeliverAfter { get; init; }

    /// <summary>If no device acknowledges it in time, send it by the user's next enabled channel (email, SMS).</summary>
    public bool Fallback { get; init; } = true;
}
