using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Rules.Api;

/// <summary><c>/api/v1/audit/{userId}</c>: every decision Hub made for a user, and why, newest first.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization();
        group.MapGet("/{userId}", GetAsync).WithName("GetAudit");
        return app;
    }

    internal static async Task<Results<Ok<AuditResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string userId, HubDbContext db, int? limit, string? cursor, string? outcome, string? rule, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (!QueryEnum.TryParse<DecisionOutcome>(outcome, out var wanted))
        {
            return Problems.Invalid("outcome", $"outcome must be one of {QueryEnum.Allowed<DecisionOutcome>()}.");
        }

        // The workspace filter applies: another workspace's user is as unknown as one that never existed.
        if (!await db.Contacts.AnyAsync(c => c.ExternalId == userId, cancellationToken) && !await db.Decisions.AnyAsync(d => d.UserId == userId, cancellationToken))
        {
            return Problems.NotFound("User");
        }

        var query = db.Decisions.AsNoTracking().Where(d => d.UserId == userId);
        if (wanted is { } o)
        {
            query = query.Where(d => d.Outcome == o);
        }

        if (!string.IsNullOrEmpty(rule))
        {
            query = query.Where(d => d.RuleName == rule);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(d => d.DecidedAt < at || (d.DecidedAt == at && d.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].DecidedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new AuditResponse(userId, [.. rows.Take(take).Select(DecisionResponse.From)], next));
    }
}
