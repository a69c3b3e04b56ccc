using Hub.Core.Inbox;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox;

/// <summary>Sets a conversation's SLA deadlines from the workspace's policy for its priority.</summary>
public sealed class SlaClock(HubDbContext db, TimeProvider clock)
{
    public async Task StartAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var policy = await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Priority == conversation.Priority, cancellationToken);
        var start = conversation.CreatedAt == default ? clock.GetUtcNow() : conversation.CreatedAt;
        conversation.FirstResponseDueAt = policy is null || conversation.FirstResponseAt is not null ? null : start + policy.FirstResponseTarget;
        conversation.ResolutionDueAt = policy is null ? null : start + policy.ResolutionTarget;
        conversation.SlaWarnedAt = null;
        conversation.SlaBreachedAt = null;
    }
}
