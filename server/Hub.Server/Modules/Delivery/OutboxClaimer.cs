using Hub.Core.Delivery;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// Claims due outbox rows for one worker. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so parallel workers on
/// any number of nodes never take the same row and never wait on each other. SQLite serializes writers, so a
/// conditional update is the single-claimer equivalent.
/// </summary>
public sealed class OutboxClaimer(HubDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string worker, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        if (db.Database.IsNpgsql())
        {
            return await db.Outbox.FromSql($"""
                UPDATE outbox SET "LockedBy" = {worker}, "LockedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM outbox
                    WHERE "State" = 'Pending' AND "NextAttemptAt" <= {now} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                    ORDER BY "NextAttemptAt"
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        }

        var candidates = await db.Outbox.IgnoreQueryFilters()
            .Where(o => o.State == OutboxState.Pending && o.NextAttemptAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .OrderBy(o => o.NextAttemptAt).Select(o => o.Id).Take(batchSize).ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }

        await db.Outbox.IgnoreQueryFilters()
            .Where(o => candidates.Contains(o.Id) && o.State == OutboxState.Pending && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, worker).SetProperty(o => o.LockedUntil, until), cancellationToken);
        return await db.Outbox.IgnoreQueryFilters().AsNoTracking()
            .Where(o => candidates.Contains(o.Id) && o.LockedBy == worker && o.LockedUntil == until).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Rows left in <see cref="OutboxState.Sending"/> past their lease: a worker stopped while talking to the
    /// provider. Whether the provider got the message is unknown, so they are not re-sent on their own.
    /// </summary>
    public async Task<IReadOnlyList<OutboxEntry>> InDoubtAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await db.Outbox.IgnoreQueryFilters().AsNoTracking()
            .Where(o => o.State == OutboxState.Sending && o.LockedUntil < now).OrderBy(o => o.LockedUntil).Take(100).ToListAsync(cancellationToken);
    }
}
