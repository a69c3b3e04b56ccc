using Hub.Data.Analytics;
using Hub.Core.Analytics;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Raises <c>inbox.sla.warning</c> when a conversation has used the policy's warning share of a target and
/// <c>inbox.sla.breach</c> when it passed it — each once per conversation, even with several nodes checking
/// (the flag is set by a conditional update, and only the node whose update took raises the event).
/// </summary>
public sealed class SlaMonitor(HubDbContext db, UnitOfWork work, RealtimeDispatcher dispatcher, TimeProvider clock)
{
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var raised = 0;
        var open = await db.Conversations.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Status != ConversationStatus.Resolved && c.SlaBreachedAt == null
                && ((c.FirstResponseAt == null && c.FirstResponseDueAt != null) || c.ResolutionDueAt != null))
            .OrderBy(c => c.CreatedAt).Take(1000).ToListAsync(cancellationToken);
        var policies = await db.SlaPolicies.IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        foreach (var c in open)
        {
            var (target, due) = c.FirstResponseAt == null && c.FirstResponseDueAt is { } firstDue ? ("first_response", firstDue)
                : c.ResolutionDueAt is { } resolutionDue ? ("resolution", resolutionDue) : (null, default);
            if (target is null)
            {
                continue;
            }

            if (now >= due)
            {
                if (await BreachAsync(c, target, due, now, cancellationToken))
                {
                    raised++;
                }

                continue;
            }

            var warnAt = policies.FirstOrDefault(p => p.WorkspaceId == c.WorkspaceId && p.Priority == c.Priority)?.WarnAt ?? 0.8;
            var warnFrom = c.CreatedAt + ((due - c.CreatedAt) * warnAt);
            if (c.SlaWarnedAt is null && now >= warnFrom && await WarnAsync(c, target, due, now, cancellationToken))
            {
                raised++;
            }
        }

        return raised;
    }

    /// <summary>
    /// Claims the breach, records <c>sla_breached</c> (the claim is a bulk update the analytics interceptor can't see)
    /// and appends <c>inbox.sla.breach</c> in one change; the agents get it once that commits.
    /// </summary>
    private async Task<bool> BreachAsync(Conversation c, string target, DateTimeOffset due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        if (!await ClaimAsync(c.Id, breach: true, now, cancellationToken))
        {
            return false;
        }

        AnalyticsRecorder.Record(db, new AnalyticsRecord(c.WorkspaceId, AnalyticsEventTypes.InboxFamily, AnalyticsEventTypes.SlaBreached, "hub.inbox", now)
        {
            UserId = c.ContactId.ToString(),
            Data = new()
            {
                ["conversation_id"] = AnalyticsRecorder.Json(c.Id),
                ["agent_id"] = AnalyticsRecorder.Json(c.AssigneeId),
                ["team"] = AnalyticsRecorder.Json(c.Team),
            },
        });
        await RaiseAsync(c, RealtimeEventNames.SlaBreach, target, due, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Claims the warning and appends <c>inbox.sla.warning</c> in one change; the agents get it once that commits.</summary>
    private async Task<bool> WarnAsync(Conversation c, string target, DateTimeOffset due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        if (!await ClaimAsync(c.Id, breach: false, now, cancellationToken))
        {
            return false;
        }

        await RaiseAsync(c, RealtimeEventNames.SlaWarning, target, due, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<bool> ClaimAsync(Guid conversationId, bool breach, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var query = db.Conversations.IgnoreQueryFilters().Where(c => c.Id == conversationId);
        return breach
            ? await query.Where(c => c.SlaBreachedAt == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.SlaBreachedAt, now).SetProperty(c => c.SlaWarnedAt, c => c.SlaWarnedAt ?? now), cancellationToken) == 1
            : await query.Where(c => c.SlaWarnedAt == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.SlaWarnedAt, now), cancellationToken) == 1;
    }

    private Task RaiseAsync(Conversation c, string eventName, string target, DateTimeOffset due, CancellationToken cancellationToken) =>
        work.AppendAsync(c.WorkspaceId, Streams.Workspace(c.WorkspaceId), eventName, new SlaAlert(c.Id, target, due, c.AssigneeId),
            (e, _) => dispatcher.SlaAsync(e), cancellationToken);
}
