using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Inbox;

/// <summary>How a workspace routes new conversations: auto-assignment on or off, and which team each intent goes to.</summary>
public sealed record Routing(bool AutoAssign, IReadOnlyDictionary<string, string> IntentTeams);

/// <summary>
/// Reads a workspace's routing, set by its admins in the dashboard. The server's <c>Inbox:AutoAssign</c> can switch
/// auto-assignment off for every workspace; <c>Inbox:IntentTeams</c> is the map a workspace uses until it sets its own.
/// </summary>
public sealed class RoutingSettings(HubDbContext db, IOptions<InboxOptions> options)
{
    public async Task<Routing> ForAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var row = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspaceId)
            .Select(w => new { w.AutoAssign, w.IntentTeams }).FirstOrDefaultAsync(cancellationToken);
        var intents = row is { IntentTeams.Count: > 0 } ? row.IntentTeams : options.Value.IntentTeams;
        return new Routing(options.Value.AutoAssign && (row?.AutoAssign ?? true), intents);
    }
}
