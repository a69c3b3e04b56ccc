using Hub.Core.Inbox;
using Hub.Core.Members;
using Hub.Data;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Auto-assignment: round-robin among the team's agents who are online (connected and available), each
/// under their capacity of open conversations; the agent who waited longest since their last assignment goes next.
/// </summary>
public sealed class AssignmentService(HubDbContext db, IPresenceTracker presence, TimeProvider clock)
{
    /// <summary>
    /// The agent to assign a conversation to, or null when nobody online has room. Call it inside the transaction
    /// that saves the assignment: the agents' capacity is held from the count until that transaction ends, so two
    /// new conversations at once never both take an agent's last free place.
    /// </summary>
    public async Task<Guid?> PickAsync(Guid workspaceId, string? team, CancellationToken cancellationToken)
    {
        var online = await presence.ListAsync(workspaceId, PresenceKind.Member);
        var onlineIds = online.Where(p => p.Value == Core.Realtime.PresenceStatus.Online).Select(p => Guid.Parse(p.Key)).ToList();
        if (onlineIds.Count == 0)
        {
            return null;
        }

        await HoldCapacityAsync(onlineIds, cancellationToken);

        var agentRoleIds = await db.Roles.Where(r => r.Name == MemberRole.Agent || r.Name == MemberRole.Admin).Select(r => r.Id).ToListAsync(cancellationToken);
        var candidates = await db.Users
            .Where(m => m.WorkspaceId == workspaceId && onlineIds.Contains(m.Id) && m.Availability == MemberAvailability.Online
                && (team == null || m.Team == team)
                && db.UserRoles.Any(ur => ur.UserId == m.Id && agentRoleIds.Contains(ur.RoleId)))
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return null;
        }

        var ids = candidates.Select(c => c.Id).ToList();
        var load = await db.Conversations
            .Where(c => c.AssigneeId != null && ids.Contains(c.AssigneeId.Value) && c.Status != ConversationStatus.Resolved)
            .GroupBy(c => c.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        var pick = candidates
            .Where(m => m.ConversationCapacity == 0 || load.GetValueOrDefault(m.Id) < m.ConversationCapacity)
            .OrderBy(m => m.LastAssignedAt ?? DateTimeOffset.MinValue).ThenBy(m => m.Id)
            .FirstOrDefault();
        if (pick is null)
        {
            return null;
        }

        pick.LastAssignedAt = clock.GetUtcNow();
        return pick.Id;
    }

    /// <summary>
    /// Makes the count of the agents' open conversations, and the assignment that follows it, one step per agent.
    /// PostgreSQL: their member rows are locked (in id order, so two pickers never deadlock) until the caller's
    /// transaction ends; a second picker waits, then counts the first one's conversation. SQLite needs nothing: every
    /// transaction there begins <c>IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so writers already run one at a time.
    /// </summary>
    private async Task HoldCapacityAsync(List<Guid> memberIds, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql() && db.Database.CurrentTransaction is not null)
        {
            var ids = memberIds.Order().ToArray();
            await db.Database.ExecuteSqlAsync($"""SELECT "Id" FROM members WHERE "Id" = ANY({ids}) ORDER BY "Id" FOR UPDATE""", cancellationToken);
        }
    }
}
