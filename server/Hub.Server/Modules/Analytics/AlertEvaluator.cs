using System.Globalization;
using Hub.Core.Analytics;
using Hub.Core.Webhooks;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Analytics;

/// <summary>
/// Evaluates every enabled alert rule over the minute rollups: the window is the last N whole minutes including the
/// current one. A rule in breach with no open alert raises one (stored, pushed to the workspace's agents); a rule
/// back under with an open alert clears it. So one breach gives one raise and one clear, however often it runs.
/// </summary>
public sealed partial class AlertEvaluator(IServiceScopeFactory scopes, AnalyticsAggregator aggregator, TimeProvider clock, ILogger<AlertEvaluator> logger)
{
    /// <summary>Folds waiting events, then evaluates every rule once; returns the alert events produced.</summary>
    public async Task<IReadOnlyList<AnalyticsAlertMessage>> RunOnceAsync(CancellationToken cancellationToken)
    {
        await aggregator.RunOnceAsync(cancellationToken);
        List<(Guid Id, Guid WorkspaceId)> rules;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            rules = [.. (await db.AlertRules.IgnoreQueryFilters().AsNoTracking().Where(r => r.Enabled)
                .Select(r => new { r.Id, r.WorkspaceId }).ToListAsync(cancellationToken)).Select(r => (r.Id, r.WorkspaceId))];
        }

        var produced = new List<AnalyticsAlertMessage>();
        foreach (var (id, workspaceId) in rules)
        {
            try
            {
                if (await EvaluateAsync(id, workspaceId, cancellationToken) is { } message)
                {
                    produced.Add(message);
                }
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
            {
                LogFailed(logger, ex, id);
            }
        }

        return produced;
    }

    private async Task<AnalyticsAlertMessage?> EvaluateAsync(Guid ruleId, Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(rule.WindowMinutes);
        var end = Buckets.Floor(now, ReportGranularity.Minute).AddMinutes(1);
        var current = await MetricAsync(db, rule, end - window, end, cancellationToken) ?? 0;

        double threshold;
        bool breached;
        if (rule.Kind == AlertKind.Anomaly)
        {
            var baseline = new List<double>();
            for (var i = 1; i <= rule.BaselineWindows; i++)
            {
                baseline.Add(await MetricAsync(db, rule, end - (window * (i + 1)), end - (window * i), cancellationToken) ?? 0);
            }

            threshold = AlertMath.AnomalyThreshold(baseline, rule.Sensitivity);
            breached = current > threshold;
        }
        else
        {
            threshold = rule.Threshold;
            breached = AlertMath.Breaches(current, rule.Comparison, threshold);
        }

        rule.LastEvaluatedAt = now;
        AlertEvent? alertEvent = null;
        if (breached && rule.OpenAlertId is null)
        {
            alertEvent = NewEvent(rule, Guid.CreateVersion7(), AlertState.Raised, current, threshold, now);
            rule.OpenAlertId = alertEvent.AlertId;
        }
        else if (!breached && rule.OpenAlertId is { } open)
        {
            alertEvent = NewEvent(rule, open, AlertState.Cleared, current, threshold, now);
            rule.OpenAlertId = null;
        }

        if (alertEvent is not null)
        {
            db.AlertEvents.Add(alertEvent);
        }

        // The rule row's concurrency (a second node evaluating at once) is settled by the save: the loser's update of
        // OpenAlertId conflicts on SQLite's lock or commits an identical state change later and is harmless.
        if (alertEvent is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        // The alert and its webhook deliveries (analytics.alert.raised / cleared) commit together.
        var message = AnalyticsAlertMessage.From(alertEvent);
        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        await using var change = await work.BeginAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var subject = alertEvent.State == AlertState.Raised ? WebhookSubjects.AlertRaised : WebhookSubjects.AlertCleared;
        await scope.ServiceProvider.GetRequiredService<WebhookPublisher>().PublishAsync(workspaceId, subject, message, null, cancellationToken);
        var dispatcher = scope.ServiceProvider.GetRequiredService<RealtimeDispatcher>();
        work.AfterCommit(_ => dispatcher.AnalyticsAlertAsync(workspaceId, message));
        await change.CommitAsync(cancellationToken);
        return message;
    }

    private static AlertEvent NewEvent(AlertRule rule, Guid alertId, AlertState state, double current, double threshold, DateTimeOffset now)
    {
        var window = $"{rule.WindowMinutes}m";
        var value = current.ToString("0.####", CultureInfo.InvariantCulture);
        var limit = threshold.ToString("0.####", CultureInfo.InvariantCulture);
        var raised = state == AlertState.Raised;
        return new AlertEvent
        {
            WorkspaceId = rule.WorkspaceId,
            AlertId = alertId,
            RuleId = rule.Id,
            State = state,
            AlertType = rule.Kind == AlertKind.Anomaly ? "anomaly_detected" : "threshold_exceeded",
            Severity = rule.Severity,
            Metric = rule.Metric,
            CurrentValue = current,
            Threshold = threshold,
            TimeWindow = window,
            Title = raised ? $"{rule.Name}: {rule.Metric} is {value}" : $"{rule.Name}: back to normal",
            Description = raised
                ? $"{rule.Metric} over the last {window} is {value} ({(rule.Kind == AlertKind.Anomaly ? "anomaly threshold" : rule.Comparison.ToString().ToLowerInvariant())} {limit})."
                : $"{rule.Metric} over the last {window} is {value}, no longer breaching {limit}.",
            CreatedAt = now,
        };
    }

    /// <summary>The rule's metric over [start, end) from the minute rollups.</summary>
    private static async Task<double?> MetricAsync(HubDbContext db, AlertRule rule, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var dimension = rule.CampaignId is { } campaign ? AnalyticsDimensions.Campaign(campaign) : AnalyticsDimensions.All;
        var types = rule.EventType is { } type ? new HashSet<string>(StringComparer.Ordinal) { type } : null;
        var totals = new MetricTotals();
        if (rule.Metric == AnalyticsMetrics.UserCount)
        {
            var users = db.AnalyticsBucketUsers.AsNoTracking().Where(r => r.Granularity == BucketGranularity.Minute
                && r.BucketStart >= start && r.BucketStart < end && r.Dimension == dimension);
            totals.DistinctUsers = await (rule.EventType is { } t ? users.Where(r => r.EventType == t) : users)
                .Select(r => r.UserId).Distinct().CountAsync(cancellationToken);
            return totals.DistinctUsers;
        }

        var rows = await db.AnalyticsRollups.AsNoTracking()
            .Where(r => r.Granularity == BucketGranularity.Minute && r.BucketStart >= start && r.BucketStart < end && r.Dimension == dimension)
            .GroupBy(r => r.EventType)
            .Select(g => new { EventType = g.Key, Count = g.Sum(x => x.Count), ValueSum = g.Sum(x => x.ValueSum), ValueCount = g.Sum(x => x.ValueCount) })
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            totals.Add(row.EventType, row.Count, row.ValueSum, row.ValueCount);
        }

        return AnalyticsMetrics.Compute(rule.Metric, totals, types);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert rule {RuleId} could not be evaluated")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid ruleId);
}
