using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Rules;

/// <summary>What a suppression claim came to: the key it took, or why none was left.</summary>
public sealed record SuppressionVerdict(bool Claimed, string? PeriodKey, string? Reason)
{
    public static readonly SuppressionVerdict NotSuppressed = new(true, null, null);
}

/// <summary>
/// The suppression check and its record in ONE statement: <c>INSERT … ON CONFLICT DO NOTHING</c> against the unique
/// (workspace, rule, user, period) key, then the affected row count says whether this event won the period. Two
/// parallel events cannot both pass, on SQLite or PostgreSQL, and nothing is read first. Runs in the caller's
/// transaction, so a rolled-back send releases the claim.
/// </summary>
public sealed class SuppressionLedger(HubDbContext db, TimeProvider clock)
{
    public async Task<SuppressionVerdict> TryClaimAsync(Rule rule, TrackedEvent trackedEvent, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(trackedEvent);
        var period = SuppressionPeriod.For(rule.Suppression, trackedEvent.OccurredAt, zone);
        if (period.Keys.Count == 0)
        {
            return SuppressionVerdict.NotSuppressed;
        }

        var claimedAt = ToProvider(nameof(SuppressionClaim.ClaimedAt), clock.GetUtcNow());
        foreach (var key in period.Keys)
        {
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO suppression_claims ("Id", "WorkspaceId", "RuleId", "UserId", "PeriodKey", "EventId", "ClaimedAt")
                VALUES ({Guid.CreateVersion7()}, {trackedEvent.WorkspaceId}, {rule.Id}, {trackedEvent.UserId}, {key}, {trackedEvent.Id}, {claimedAt})
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                return new SuppressionVerdict(true, key, null);
            }
        }

        return new SuppressionVerdict(false, null, period.Explanation);
    }

    // Raw SQL bypasses the model's value converters (SQLite keeps times as 64-bit numbers): apply them here.
    private object ToProvider(string property, object value) =>
        db.Model.FindEntityType(typeof(SuppressionClaim))!.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
}
