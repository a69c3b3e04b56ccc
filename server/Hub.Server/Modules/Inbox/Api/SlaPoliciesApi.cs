using System.ComponentModel.DataAnnotations;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>The SLA targets for one priority.</summary>
public sealed record SlaPolicyBody(
    [property: Required] Priority? Priority,
    [property: Range(1, 525_600)] int FirstResponseMinutes,
    [property: Range(1, 525_600)] int ResolutionMinutes,
    [property: Range(0.1, 0.99)] double? WarnAt);

/// <summary><c>/api/v1/sla-policies</c>: first-response and resolution targets per priority (admins set them).</summary>
public static class SlaPoliciesApi
{
    public static IEndpointRouteBuilder MapSlaPoliciesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sla-policies").WithTags("SLA");
        group.MapGet("/", ListAsync).RequireAuthorization(HubPolicies.Inbox);
        group.MapPut("/", ReplaceAsync).RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static async Task<Ok<List<SlaPolicyBody>>> ListAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(p => p.Priority).Select(p => new SlaPolicyBody(
            p.Priority, (int)p.FirstResponseTarget.TotalMinutes, (int)p.ResolutionTarget.TotalMinutes, p.WarnAt)).ToList());
    }

    /// <summary>Replaces the workspace's policies; conversations opened from now on use them.</summary>
    internal static async Task<Results<Ok<List<SlaPolicyBody>>, ValidationProblem>> ReplaceAsync(
        List<SlaPolicyBody> policies, HubDbContext db, CancellationToken cancellationToken)
    {
        if (policies.GroupBy(p => p.Priority).Any(g => g.Count() > 1))
        {
            return Problems.Invalid("priority", "One policy per priority.");
        }

        if (policies.Any(p => p.ResolutionMinutes < p.FirstResponseMinutes))
        {
            return Problems.Invalid("resolution_minutes", "The resolution target can't be shorter than the first-response target.");
        }

        await db.SlaPolicies.ExecuteDeleteAsync(cancellationToken);
        db.SlaPolicies.AddRange(policies.Select(p => new SlaPolicy
        {
            Priority = p.Priority!.Value,
            FirstResponseTarget = TimeSpan.FromMinutes(p.FirstResponseMinutes),
            ResolutionTarget = TimeSpan.FromMinutes(p.ResolutionMinutes),
            WarnAt = p.WarnAt ?? 0.8,
        }));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(policies);
    }
}
