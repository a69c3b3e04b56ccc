using Hub.Core.Inbox;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Sets a conversation's SLA deadlines from the workspace's most specific policy for it (its priority, and its team
/// and channel where a policy names them); a business-hours-only policy counts only the workspace's opening hours.
/// </summary>
public sealed class SlaClock(HubDbContext db, TimeProvider clock)
{
    public async Task StartAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var candidates = await db.SlaPolicies.AsNoTracking().Where(p => p.Priority == conversation.Priority).ToListAsync(cancellationToken);
        var policy = candidates.Where(p => p.Covers(conversation)).OrderByDescending(p => p.Specificity).FirstOrDefault();
        var start = conversation.CreatedAt == default ? clock.GetUtcNow() : conversation.CreatedAt;
        conversation.SlaWarnedAt = null;
        conversation.SlaBreachedAt = null;
        if (policy is null)
        {
            conversation.FirstResponseDueAt = null;
            conversation.ResolutionDueAt = null;
            return;
        }

        Func<TimeSpan, DateTimeOffset> due = target => start + target;
        if (policy.BusinessHoursOnly)
        {
            var workspace = await db.Workspaces.AsNoTracking().Where(w => w.Id == policy.WorkspaceId)
                .Select(w => new { w.BusinessHours, w.TimeZone }).FirstAsync(cancellationToken);
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(workspace.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
            due = target => workspace.BusinessHours.AddOpenTime(start, target, zone);
        }

        conversation.FirstResponseDueAt = conversation.FirstResponseAt is not null ? null : due(policy.FirstResponseTarget);
        conversation.ResolutionDueAt = due(policy.ResolutionTarget);
    }
}
