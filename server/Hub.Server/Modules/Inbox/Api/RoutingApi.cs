using Hub.Core.Inbox;
using Hub.Core.Intelligence;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>A member as the routing page shows them: their team, capacity, availability and open conversations.</summary>
public sealed record TeamMember(Guid Id, string DisplayName, MemberAvailability Availability, int ConversationCapacity, int OpenConversations);

/// <summary>A team: its members, and the intents routed to it.</summary>
public sealed record TeamResponse(string Name, IReadOnlyList<TeamMember> Members, IReadOnlyList<string> Intents);

/// <summary>
/// How new conversations are routed. <c>server_auto_assign</c> is the server's own switch (<c>Inbox:AutoAssign</c>);
/// auto-assignment runs only when it and the workspace's <c>auto_assign</c> are both on.
/// </summary>
public sealed record RoutingResponse(
    bool AutoAssign, bool ServerAutoAssign, IReadOnlyDictionary<string, string> IntentTeams, IReadOnlyList<string> KnownIntents,
    IReadOnlyList<TeamResponse> Teams, IReadOnlyList<TeamMember> WithoutTeam);

/// <summary>Changes routing; fields left out stay as they are.</summary>
public sealed record UpdateRoutingRequest(bool? AutoAssign, Dictionary<string, string>? IntentTeams);

/// <summary><c>/api/v1/routing</c>: teams, the intent → team map and auto-assignment (admins change them).</summary>
public static class RoutingApi
{
    public static IEndpointRouteBuilder MapRoutingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/routing").WithTags("Routing");
        group.MapGet("/", GetAsync).RequireAuthorization(HubPolicies.Inbox);
        group.MapPut("/", UpdateAsync).RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static async Task<Results<Ok<RoutingResponse>, ProblemHttpResult>> GetAsync(
        HubDbContext db, IWorkspaceContext workspace, IIntentClassifier intents, IOptions<InboxOptions> options, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workspace.WorkspaceId, cancellationToken);
        return found is null ? Problems.NotFound("Workspace") : TypedResults.Ok(await DescribeAsync(found, db, intents, options.Value, cancellationToken));
    }

    internal static async Task<Results<Ok<RoutingResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        UpdateRoutingRequest request, HubDbContext db, IWorkspaceContext workspace, IIntentClassifier intents, IOptions<InboxOptions> options,
        CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (intent, rawTeam) in request.IntentTeams ?? [])
        {
            if (!intents.Intents.Contains(intent))
            {
                return Problems.Invalid($"intent_teams.{intent}", $"'{intent}' is not an intent the classifier knows.");
            }

            var team = TeamName.Normalize(rawTeam);
            if (team is null || !TeamName.IsValid(team))
            {
                return Problems.Invalid($"intent_teams.{intent}", TeamName.Rule);
            }

            map[intent] = team;
        }

        var found = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == workspace.WorkspaceId, cancellationToken);
        if (found is null)
        {
            return Problems.NotFound("Workspace");
        }

        found.AutoAssign = request.AutoAssign ?? found.AutoAssign;
        found.IntentTeams = request.IntentTeams is null ? found.IntentTeams : map;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await DescribeAsync(found, db, intents, options.Value, cancellationToken));
    }

    private static async Task<RoutingResponse> DescribeAsync(Workspace workspace, HubDbContext db, IIntentClassifier intents, InboxOptions options, CancellationToken cancellationToken)
    {
        // Members are not behind the workspace filter (sign-in must find them), so this query scopes itself.
        var members = await db.Users.AsNoTracking().Where(m => m.WorkspaceId == workspace.Id)
            .Select(m => new { m.Id, m.DisplayName, m.Availability, m.ConversationCapacity, m.Team }).ToListAsync(cancellationToken);
        var load = await db.Conversations.AsNoTracking()
            .Where(c => c.AssigneeId != null && c.Status != ConversationStatus.Resolved)
            .GroupBy(c => c.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var map = workspace.IntentTeams.Count > 0 ? workspace.IntentTeams : options.IntentTeams;
        TeamMember Show(Guid id, string name, MemberAvailability availability, int capacity) =>
            new(id, name, availability, capacity, load.GetValueOrDefault(id));
        var teams = members.Where(m => m.Team is not null).Select(m => m.Team!).Concat(map.Values).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(team => new TeamResponse(
                team,
                [.. members.Where(m => m.Team == team).OrderBy(m => m.DisplayName).Select(m => Show(m.Id, m.DisplayName, m.Availability, m.ConversationCapacity))],
                [.. map.Where(p => p.Value == team).Select(p => p.Key).Order(StringComparer.Ordinal)]))
            .ToList();
        return new RoutingResponse(
            workspace.AutoAssign, options.AutoAssign, map, intents.Intents, teams,
            [.. members.Where(m => m.Team is null).OrderBy(m => m.DisplayName).Select(m => Show(m.Id, m.DisplayName, m.Availability, m.ConversationCapacity))]);
    }
}
