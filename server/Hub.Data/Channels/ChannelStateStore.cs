using Hub.Core.Channels;
using Microsoft.EntityFrameworkCore;

namespace Hub.Data.Channels;

/// <summary>Channel state in the database, readable by every node.</summary>
public sealed class ChannelStateStore(HubDbContext db, TimeProvider clock) : IChannelStateStore
{
    public async Task<string?> GetAsync(Guid channelId, string key, CancellationToken cancellationToken) =>
        await db.ChannelStates.AsNoTracking().Where(s => s.ChannelId == channelId && s.Key == key)
            .Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);

    public async Task SetAsync(Guid channelId, string key, string value, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var updated = await db.ChannelStates.Where(s => s.ChannelId == channelId && s.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, value).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            db.ChannelStates.Add(new ChannelState { ChannelId = channelId, Key = key, Value = value, UpdatedAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
