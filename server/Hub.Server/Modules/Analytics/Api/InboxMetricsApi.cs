using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Analytics.Api;

/// <summary>
/// <c>GET /api/v1/analytics/inbox?from=&amp;to=&amp;group_by=agent|team</c>: per agent (assignee) or team, first response
/// time (conversations whose first reply fell in [from, to)) and resolution time (conversations resolved in
/// [from, to)), both in seconds from the conversation's start: average, p50 and p90 (nearest rank); and CSAT
/// (survey answers given in [from, to), credited to the agent and team the survey was asked for): responses, average
/// score, and CSAT % (the share of 4s and 5s, 0–100).
/// </summary>
public static class InboxMetricsApi
{
    internal static async Task<Results<Ok<InboxMetricsReply>, ValidationProblem>> GetAsync(
        HubDbContext db, DateTimeOffset? from, DateTimeOffset? to, string? group_by, CancellationToken cancellationToken)
    {
        if (from is null)
        {
            return Problems.Invalid("from", "from is required.");
        }

        if (to is null || to <= from)
        {
            return Problems.Invalid("to", "to is required and must be after from.");
        }

        var groupBy = group_by ?? "agent";
        if (groupBy is not ("agent" or "team"))
        {
            return Problems.Invalid("group_by", "group_by must be agent or team.");
        }

        var (start, end) = (from.Value, to.Value);
        var responded = await db.Conversations.AsNoTracking().Where(c => c.FirstResponseAt >= start && c.FirstResponseAt < end)
            .Select(c => new { c.AssigneeId, c.Team, c.CreatedAt, At = c.FirstResponseAt!.Value }).ToListAsync(cancellationToken);
        var resolved = await db.Conversations.AsNoTracking().Where(c => c.ResolvedAt >= start && c.ResolvedAt < end)
            .Select(c => new { c.AssigneeId, c.Team, c.CreatedAt, At = c.ResolvedAt!.Value }).ToListAsync(cancellationToken);
        var answers = await db.CsatSurveys.AsNoTracking().Where(s => s.RespondedAt >= start && s.RespondedAt < end && s.Score != null)
            .Select(s => new { s.AgentId, s.Team, Score = s.Score!.Value }).ToListAsync(cancellationToken);

        string KeyOf(Guid? assignee, string? team) => groupBy == "agent" ? assignee?.ToString() ?? "unassigned" : team ?? "no_team";
        var keys = responded.Select(r => KeyOf(r.AssigneeId, r.Team)).Concat(resolved.Select(r => KeyOf(r.AssigneeId, r.Team)))
            .Concat(answers.Select(a => KeyOf(a.AgentId, a.Team))).Distinct().Order(StringComparer.Ordinal);
        var groups = keys.Select(key => new InboxMetricsGroup(
            key,
            Stats([.. responded.Where(r => KeyOf(r.AssigneeId, r.Team) == key).Select(r => Math.Max(0, (r.At - r.CreatedAt).TotalSeconds))]),
            Stats([.. resolved.Where(r => KeyOf(r.AssigneeId, r.Team) == key).Select(r => Math.Max(0, (r.At - r.CreatedAt).TotalSeconds))]),
            resolved.Count(r => KeyOf(r.AssigneeId, r.Team) == key),
            Csat([.. answers.Where(a => KeyOf(a.AgentId, a.Team) == key).Select(a => a.Score)]))).ToList();
        return TypedResults.Ok(new InboxMetricsReply(start, end, groupBy,
            Stats([.. responded.Select(r => Math.Max(0, (r.At - r.CreatedAt).TotalSeconds))]),
            Stats([.. resolved.Select(r => Math.Max(0, (r.At - r.CreatedAt).TotalSeconds))]),
            resolved.Count, Csat([.. answers.Select(a => a.Score)]), groups));
    }

    /// <summary>Responses, average score and the percentage of 4s and 5s; nulls without responses.</summary>
    internal static CsatStats Csat(List<int> scores) =>
        scores.Count == 0 ? new CsatStats(0, null, null)
        : new CsatStats(scores.Count, scores.Average(), 100.0 * scores.Count(s => s >= 4) / scores.Count);

    /// <summary>Average, p50 and p90 by nearest rank (the value at rank ⌈p·n⌉ of the sorted values); nulls when empty.</summary>
    internal static DurationStats Stats(List<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return new DurationStats(0, null, null, null);
        }

        seconds.Sort();
        double Rank(double p) => seconds[Math.Max(0, (int)Math.Ceiling(p * seconds.Count) - 1)];
        return new DurationStats(seconds.Count, seconds.Average(), Rank(0.5), Rank(0.9));
    }
}

/// <summary>Inbox metrics for a window.</summary>
public sealed record InboxMetricsReply(DateTimeOffset From, DateTimeOffset To, string GroupBy, DurationStats FirstResponse,
    DurationStats Resolution, int ConversationsResolved, CsatStats Csat, IReadOnlyList<InboxMetricsGroup> Groups);

/// <summary>One agent's (assignee id, or <c>unassigned</c>) or team's (or <c>no_team</c>) figures.</summary>
public sealed record InboxMetricsGroup(string Key, DurationStats FirstResponse, DurationStats Resolution, int ConversationsResolved, CsatStats Csat);

/// <summary>CSAT answers: how many, the average score (1–5), and the percentage (0–100) that were 4 or 5.</summary>
public sealed record CsatStats(int Responses, double? AvgScore, double? CsatPercent);

/// <summary>Seconds: how many, average, median and 90th percentile.</summary>
public sealed record DurationStats(int Count, double? Avg, double? P50, double? P90);
