using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// Provider callbacks (Twilio status, DSN bounces) move a message forward — never backward, so a late
/// "sent" can't undo "delivered" — push the change to agents, and suppress addresses that must not be
/// sent to again.
/// </summary>
public sealed class DeliveryStatusSink(
    HubDbContext db, UnitOfWork work, ScopedWorkspaceContext workspace, RealtimeBatch realtime, IEnumerable<IMessageStatusObserver> observers, TimeProvider clock) : IDeliveryStatusSink
{
    public async Task<bool> ApplyAsync(DeliveryStatusUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        workspace.Use(update.WorkspaceId);
        var message = await db.Messages.FirstOrDefaultAsync(m => m.ExternalId == update.ProviderMessageId && m.Direction == MessageDirection.Outbound, cancellationToken);
        if (message is null)
        {
            return false;
        }

        if (update.SuppressAddress && message.Address is { } address
            && !await db.Suppressions.AnyAsync(s => s.Channel == message.ChannelType && s.Address == address, cancellationToken))
        {
            db.Suppressions.Add(new Suppression
            {
                Channel = message.ChannelType,
                Address = address,
                Reason = update.Error ?? update.Status.ToString(),
                CreatedAt = clock.GetUtcNow(),
            });
        }

        var now = clock.GetUtcNow();
        var moved = update.Status switch
        {
            MessageStatus.Delivered => message.MarkDelivered(now, update.At),
            MessageStatus.Read => message.MarkRead(now, update.At),
            MessageStatus.Failed => message.MarkFailed(update.Error, now),
            MessageStatus.Bounced => message.MarkBounced(update.Error, now),
            _ => message.MoveTo(update.Status, now),
        };
        if (!moved)
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        await using var change = await work.BeginAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var observer in observers)
        {
            await observer.OnStatusAsync(message, cancellationToken);
        }

        await realtime.MessageAsync(update.WorkspaceId, RealtimeEventNames.MessageUpdated, message, null, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return true;
    }
}
