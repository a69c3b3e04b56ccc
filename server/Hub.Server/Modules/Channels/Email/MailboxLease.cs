using Hub.Adapters.Email.Inbound;
using Hub.Core.Channels;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Email;

/// <summary>
/// One node at a time reads a mailbox: the claim is a channel state row (<c>imap:lease</c>) whose value names the
/// owner and whose UpdatedAt is the last renewal. Taking it is one conditional UPDATE (or an INSERT that the
/// primary key lets only one node win), so two nodes can never both hold it.
/// </summary>
public sealed class MailboxLease(HubDbContext db, TimeProvider clock) : IMailboxLease
{
    public const string Key = "imap:lease";

    public async Task<bool> TryAcquireAsync(Guid channelId, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lapsedBefore = now - ttl;
        var taken = await db.ChannelStates
            .Where(s => s.ChannelId == channelId && s.Key == Key && (s.Value == owner || s.UpdatedAt < lapsedBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, owner).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.ChannelStates.AnyAsync(s => s.ChannelId == channelId && s.Key == Key, cancellationToken))
        {
            return false;
        }

        db.ChannelStates.Add(new ChannelState { ChannelId = channelId, Key = Key, Value = owner, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node inserted the claim first.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public Task ReleaseAsync(Guid channelId, string owner, CancellationToken cancellationToken) =>
        db.ChannelStates.Where(s => s.ChannelId == channelId && s.Key == Key && s.Value == owner).ExecuteDeleteAsync(cancellationToken);
}
