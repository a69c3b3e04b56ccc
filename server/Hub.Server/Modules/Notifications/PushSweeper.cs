using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Notifications;

/// <summary>What one sweep did.</summary>
/// <param name="Released">Held-back pushes sent now that their quiet hours ended.</param>
/// <param name="FellBack">Unacknowledged pushes handled by their fallback (sent, deferred or skipped).</param>
public sealed record PushSweepResult(int Released, int FellBack);

/// <summary>
/// The push sweep, across every workspace: releases pushes held back by quiet hours once they end, then falls back
/// (email, SMS) for pushes no device acknowledged in time. Each notification is claimed with a conditional update,
/// so any number of nodes may sweep at once and none releases or falls back for one twice.
/// </summary>
public sealed partial class PushSweeper(
    IServiceScopeFactory scopes, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<PushSweeper> logger)
{
    /// <summary>One sweep; the background service calls it every <see cref="NotificationOptions.SweepInterval"/>, tests drive it.</summary>
    public async Task<PushSweepResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.SweepBatchSize;
        var now = clock.GetUtcNow();
        List<Due> held;
        await using (var scope = scopes.CreateAsyncScope())
        {
            held = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Notifications.IgnoreQueryFilters().AsNoTracking()
                .Where(n => n.DeliverAfter != null && n.DeliverAfter <= now)
                .OrderBy(n => n.DeliverAfter).Take(batch).Select(n => new Due(n.Id, n.WorkspaceId)).ToListAsync(cancellationToken);
        }

        var released = 0;
        foreach (var due in held)
        {
            released += await GuardAsync(due, "release", () => ReleaseAsync(due, now, cancellationToken)) ? 1 : 0;
        }

        List<Due> fallbacks;
        await using (var scope = scopes.CreateAsyncScope())
        {
            fallbacks = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Notifications.IgnoreQueryFilters().AsNoTracking()
                .Where(n => n.FallbackDueAt != null && n.FallbackDueAt <= now && n.AcknowledgedAt == null && n.FallbackOutcome == null && n.DeliverAfter == null)
                .OrderBy(n => n.FallbackDueAt).Take(batch).Select(n => new Due(n.Id, n.WorkspaceId)).ToListAsync(cancellationToken);
        }

        var fellBack = 0;
        foreach (var due in fallbacks)
        {
            fellBack += await GuardAsync(due, "fallback", () => FallBackAsync(due, cancellationToken)) ? 1 : 0;
        }

        return new PushSweepResult(released, fellBack);
    }

    private async Task<bool> ReleaseAsync(Due due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(due.WorkspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var center = scope.ServiceProvider.GetRequiredService<NotificationCenter>();
        await using var change = await scope.ServiceProvider.GetRequiredService<UnitOfWork>().BeginAsync(cancellationToken);
        var claimed = await db.Notifications.Where(n => n.Id == due.Id && n.DeliverAfter != null && n.DeliverAfter <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DeliverAfter, (DateTimeOffset?)null), cancellationToken);
        if (claimed == 0)
        {
            return false; // another node released it
        }

        var notification = await db.Notifications.FirstAsync(n => n.Id == due.Id, cancellationToken);
        var userId = await db.Contacts.Where(c => c.Id == notification.ContactId).Select(c => c.ExternalId).FirstOrDefaultAsync(cancellationToken)
            ?? notification.ContactId.ToString();
        await center.ReleaseAsync(due.WorkspaceId, notification, userId, cancellationToken);
        await change.CommitAsync(cancellationToken); // pushed to the user's devices once committed

        return true;
    }

    private async Task<bool> FallBackAsync(Due due, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(due.WorkspaceId);
        string? outcome;
        try
        {
            outcome = await scope.ServiceProvider.GetRequiredService<PushFallback>().RunAsync(due.Id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Rolled back. Record the failure (if no node has handled it meanwhile) so a notification that always
            // fails is not retried every sweep forever.
            LogFailed(logger, ex, "fallback", due.Id, due.WorkspaceId);
            await using var again = scopes.CreateAsyncScope();
            again.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(due.WorkspaceId);
            return await again.ServiceProvider.GetRequiredService<HubDbContext>().Notifications
                .Where(n => n.Id == due.Id && n.FallbackOutcome == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.FallbackOutcome, "skipped:error"), cancellationToken) == 1;
        }

        if (outcome is not null)
        {
            LogFellBack(logger, due.Id, due.WorkspaceId, outcome);
        }

        return outcome is not null;
    }

    /// <summary>One notification's failure must not stop the sweep: it is logged (a release stays due for the next sweep).</summary>
    private async Task<bool> GuardAsync(Due due, string step, Func<Task<bool>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, step, due.Id, due.WorkspaceId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push {NotificationId} in workspace {WorkspaceId} fell back: {Outcome}")]
    private static partial void LogFellBack(ILogger logger, Guid notificationId, Guid workspaceId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Push sweep step {Step} failed for notification {NotificationId} in workspace {WorkspaceId}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string step, Guid notificationId, Guid workspaceId);

    private sealed record Due(Guid Id, Guid WorkspaceId);
}
