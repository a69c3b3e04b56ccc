using Hub.Core.Delivery;
using Hub.Data;
using Hub.Data.Claims;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// The outbox's rows for the <see cref="RowClaimer"/>: pending and due, oldest due first, leased to one worker.
/// Also finds the rows a worker left in doubt.
/// </summary>
public sealed class OutboxClaimer(RowClaimer claimer, HubDbContext db, TimeProvider clock)
{
    /// <summary>Due outbox rows, as the <see cref="RowClaimer"/> takes them.</summary>
    public static ClaimSpec<OutboxEntry> Due { get; } = new()
    {
        Waiting = (rows, now) => rows.Where(o => o.State == OutboxState.Pending && o.NextAttemptAt <= now),
        Order = rows => rows.OrderBy(o => o.NextAttemptAt),
        LeaseUntil = nameof(OutboxEntry.LockedUntil),
        LeaseHolder = nameof(OutboxEntry.LockedBy),
    };

    public Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string worker, int batchSize, TimeSpan lease, CancellationToken cancellationToken) =>
        claimer.ClaimAsync(Due, worker, batchSize, lease, cancellationToken);

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
