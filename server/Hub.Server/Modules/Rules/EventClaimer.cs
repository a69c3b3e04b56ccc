using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Rules;

/// <summary>A pending event one evaluator holds, with the try it is on.</summary>
public sealed record ClaimedEvent(Guid Id, Guid WorkspaceId, int Attempt);

/// <summary>
/// Leases pending events to one evaluator, across workspaces. PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>, so nodes
/// never take the same event nor wait on each other. SQLite serializes writers: a conditional update per event
/// (still pending, lease free) is the equivalent. Every claim counts as a try, so an evaluator that dies mid-way
/// uses one up.
/// </summary>
public sealed class EventClaimer(HubDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<ClaimedEvent>> ClaimAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        if (db.Database.IsNpgsql())
        {
            var rows = await db.Events.FromSql($"""
                UPDATE events SET "LeasedUntil" = {until}, "EvaluationAttempts" = "EvaluationAttempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM events
                    WHERE "Evaluation" = 'Pending' AND ("LeasedUntil" IS NULL OR "LeasedUntil" < {now})
                    ORDER BY "ReceivedAt"
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
            return [.. rows.OrderBy(e => e.ReceivedAt).Select(e => new ClaimedEvent(e.Id, e.WorkspaceId, e.EvaluationAttempts))];
        }

        var candidates = await db.Events.IgnoreQueryFilters()
            .Where(e => e.Evaluation == EventEvaluation.Pending && (e.LeasedUntil == null || e.LeasedUntil < now))
            .OrderBy(e => e.ReceivedAt).Select(e => new { e.Id, e.WorkspaceId, e.EvaluationAttempts }).Take(batchSize).ToListAsync(cancellationToken);
        var claimed = new List<ClaimedEvent>();
        foreach (var c in candidates)
        {
            var taken = await db.Events.IgnoreQueryFilters()
                .Where(e => e.Id == c.Id && e.Evaluation == EventEvaluation.Pending && (e.LeasedUntil == null || e.LeasedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeasedUntil, until).SetProperty(e => e.EvaluationAttempts, e => e.EvaluationAttempts + 1), cancellationToken);
            if (taken == 1)
            {
                claimed.Add(new ClaimedEvent(c.Id, c.WorkspaceId, c.EvaluationAttempts + 1));
            }
        }

        return claimed;
    }
}
