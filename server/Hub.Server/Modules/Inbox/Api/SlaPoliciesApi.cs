using System.ComponentModel.DataAnnotations;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>
/// The SLA targets for one priority, for every conversation or only those of one team and/or channel (the most
/// specific policy that covers a conversation wins). <c>business_hours_only</c> counts only the workspace's opening hours.
/// </summary>
public sealed record SlaPolicyBody(
    [property: Required] Priority? Priority,
    [property: Range(1, 525_600)] int FirstResponseMinutes,
    [property: Range(1, 525_600)] int ResolutionMinutes,
    [property: Range(0.1, 0.99)] double? WarnAt,
    [property: MaxLength(100)] string? Team = null,
    Guid? ChannelId = null,
    bool BusinessHoursOnly = false);

/// <summary>An open conversation past one of its SLA targets.</summary>
public sealed record SlaBreach(
    Guid ConversationId, string? Subject, Priority Priority, string? Team, Guid? AssigneeId, string Channel,
    DateTimeOffset BreachedAt, DateTimeOffset? FirstResponseDueAt, DateTimeOffset? ResolutionDueAt);

/// <summary><c>/api/v1/sla-policies</c>: first-response and resolution targets per priority (admins set them).</summary>
public static class SlaPoliciesApi
{
    public static IEndpointRouteBuilder MapSlaPoliciesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sla-policies").WithTags("SLA");
        group.MapGet("/", ListAsync).RequireAuthorization(HubPolicies.Inbox);
        group.MapPut("/", ReplaceAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/breaches", BreachesAsync).RequireAuthorization(HubPolicies.Inbox);
        return app;
    }

    internal static async Task<Ok<List<SlaPolicyBody>>> ListAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(p => p.Priority).ThenBy(p => p.Specificity).ThenBy(p => p.Team).Select(p => new SlaPolicyBody(
            p.Priority, (int)p.FirstResponseTarget.TotalMinutes, (int)p.ResolutionTarget.TotalMinutes, p.WarnAt,
            p.Team, p.ChannelId, p.BusinessHoursOnly)).ToList());
    }

    /// <summary>Replaces the workspace's policies; conversations opened from now on use them.</summary>
    internal static async Task<Results<Ok<List<SlaPolicyBody>>, ValidationProblem>> ReplaceAsync(
        List<SlaPolicyBody> policies, HubDbContext db, CancellationToken cancellationToken)
    {
        var cleaned = policies.Select(p => p with { Team = string.IsNullOrWhiteSpace(p.Team) ? null : p.Team.Trim().ToLowerInvariant() }).ToList();
        for (var i = 0; i < cleaned.Count; i++)
        {
            var p = cleaned[i];
            if (cleaned.Take(i).Any(o => o.Priority == p.Priority && o.Team == p.Team && o.ChannelId == p.ChannelId))
            {
                return Problems.Invalid($"[{i}].priority", "There is already a policy for this priority with the same team and channel.");
            }

            if (p.ResolutionMinutes < p.FirstResponseMinutes)
            {
                return Problems.Invalid($"[{i}].resolution_minutes", "The resolution target can't be shorter than the first-response target.");
            }

            if (p.ChannelId is { } channel && !await db.Channels.AnyAsync(c => c.Id == channel, cancellationToken))
            {
                return Problems.Invalid($"[{i}].channel_id", "No such channel in this workspace.");
            }
        }

        await db.SlaPolicies.ExecuteDeleteAsync(cancellationToken);
        db.SlaPolicies.AddRange(cleaned.Select(p => new SlaPolicy
        {
            Priority = p.Priority!.Value,
            FirstResponseTarget = TimeSpan.FromMinutes(p.FirstResponseMinutes),
            ResolutionTarget = TimeSpan.FromMinutes(p.ResolutionMinutes),
            WarnAt = p.WarnAt ?? 0.8,
            Team = p.Team,
            ChannelId = p.ChannelId,
            BusinessHoursOnly = p.BusinessHoursOnly,
        }));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(cleaned);
    }

    /// <summary>Open or pending conversations past a target, most recently breached first.</summary>
    internal static async Task<Ok<List<SlaBreach>>> BreachesAsync(HubDbContext db, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 50, 1, 200);
        var rows = await db.Conversations.AsNoTracking()
            .Where(c => c.SlaBreachedAt != null && c.Status != ConversationStatus.Resolved)
            .OrderByDescending(c => c.SlaBreachedAt).Take(take)
            .Select(c => new { c.Id, c.Subject, c.Priority, c.Team, c.AssigneeId, c.ChannelType, BreachedAt = c.SlaBreachedAt!.Value, c.FirstResponseDueAt, c.ResolutionDueAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new SlaBreach(
            r.Id, r.Subject, r.Priority, r.Team, r.AssigneeId, r.ChannelType.ToString().ToLowerInvariant(), r.BreachedAt,
            r.FirstResponseDueAt, r.ResolutionDueAt)).ToList());
    }
}
