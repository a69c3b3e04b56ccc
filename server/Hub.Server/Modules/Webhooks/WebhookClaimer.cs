using Hub.Core.Webhooks;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Claims due webhook deliveries for one dispatcher, as <see cref="Delivery.OutboxClaimer"/> does for the outbox:
/// <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, a conditional update under SQLite's single writer. A row whose lease
/// expired (its dispatcher died mid-POST) is due again and is re-sent with the same event id.
/// </summary>
public sealed class WebhookClaimer(HubDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string worker, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        if (db.Database.IsNpgsql())
        {
            return await db.WebhookDeliveries.FromSql($"""
                UPDATE webhook_deliveries SET "LockedBy" = {worker}, "LockedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM webhook_deliveries
                    WHERE "State" IN ('Pending', 'Failed') AND "NextAttemptAt" <= {now} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                    ORDER BY "NextAttemptAt"
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        }

        var candidates = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => (d.State == WebhookDeliveryState.Pending || d.State == WebhookDeliveryState.Failed) && d.NextAttemptAt <= now
                && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(batchSize).ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }

        await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => candidates.Contains(d.Id) && (d.State == WebhookDeliveryState.Pending || d.State == WebhookDeliveryState.Failed)
                && (d.LockedUntil == null || d.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, worker).SetProperty(d => d.LockedUntil, until), cancellationToken);
        return await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking()
            .Where(d => candidates.Contains(d.Id) && d.LockedBy == worker && d.LockedUntil == until).ToListAsync(cancellationToken);
    }
}
