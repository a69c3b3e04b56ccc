using Hub.Core.Analytics;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Analytics.Api;

/// <summary>
/// <c>/api/v1/analytics/alerts</c>: alert rules (threshold or anomaly over a window of minutes) and the alerts they
/// raised and cleared (<c>/alerts/events</c>, newest first).
/// </summary>
public static class AlertsApi
{
    internal static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/alerts", ListAsync).WithName("ListAlertRules");
        group.MapPost("/alerts", CreateAsync).WithName("CreateAlertRule").RequireAuthorization(HubPolicies.Admin);
        group.MapDelete("/alerts/{id:guid}", DeleteAsync).WithName("DeleteAlertRule").RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/alerts/events", EventsAsync).WithName("ListAlertEvents");
    }

    internal static async Task<Ok<List<AlertRuleResponse>>> ListAsync(HubDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.AlertRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken)).Select(AlertRuleResponse.From).ToList());

    internal static async Task<Results<Created<AlertRuleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateAlertRuleRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors["name"] = ["name is required (at most 200 characters)."];
        }

        if (request.Kind is not (null or "threshold" or "anomaly"))
        {
            errors["kind"] = ["kind must be threshold or anomaly."];
        }

        if (request.Metric is null || !AnalyticsMetrics.Alertable.Contains(request.Metric))
        {
            errors["metric"] = [$"metric must be one of {string.Join(", ", AnalyticsMetrics.Alertable)}."];
        }

        if (!Enum.TryParse<AlertComparison>(request.Comparison ?? "gt", ignoreCase: true, out var comparison) || request.Comparison is { } c && !c.All(char.IsLetter))
        {
            errors["comparison"] = ["comparison must be gt, gte, lt or lte."];
        }

        var window = ParseWindow(request.Window);
        if (window is null)
        {
            errors["window"] = ["window must be minutes or hours like 15m or 1h, between 1m and 24h."];
        }

        var kind = request.Kind == "anomaly" ? AlertKind.Anomaly : AlertKind.Threshold;
        if (kind == AlertKind.Threshold && request.Threshold is null)
        {
            errors["threshold"] = ["threshold is required for a threshold rule."];
        }

        if (request.Sensitivity is <= 0 or > 10)
        {
            errors["sensitivity"] = ["sensitivity must be above 0 and at most 10."];
        }

        if (request.BaselineWindows is < 2 or > 96)
        {
            errors["baseline_windows"] = ["baseline_windows must be between 2 and 96."];
        }

        AlertSeverity severity = AlertSeverity.Medium;
        if (request.Severity is { } s && (!Enum.TryParse(s, ignoreCase: true, out severity) || !s.All(char.IsLetter)))
        {
            errors["severity"] = ["severity must be low, medium, high or critical."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.AlertRules.AnyAsync(r => r.Name == request.Name, cancellationToken))
        {
            return Problems.Conflict($"An alert rule named '{request.Name}' exists.");
        }

        var now = clock.GetUtcNow();
        var rule = new AlertRule
        {
            Name = request.Name!,
            Kind = kind,
            Metric = request.Metric!,
            Comparison = comparison,
            Threshold = request.Threshold ?? 0,
            WindowMinutes = window!.Value,
            Sensitivity = request.Sensitivity ?? 3,
            BaselineWindows = request.BaselineWindows ?? 8,
            EventType = request.Filter?.EventType,
            CampaignId = request.Filter?.CampaignId,
            Severity = severity,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.AlertRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/analytics/alerts/{rule.Id}", AlertRuleResponse.From(rule));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken) =>
        await db.AlertRules.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) == 0 ? Problems.NotFound("Alert rule") : TypedResults.NoContent();

    internal static async Task<Ok<List<AnalyticsAlertMessage>>> EventsAsync(HubDbContext db, Guid? ruleId, int? limit, CancellationToken cancellationToken)
    {
        var query = db.AlertEvents.AsNoTracking();
        if (ruleId is { } r)
        {
            query = query.Where(e => e.RuleId == r);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(AnalyticsAlertMessage.From).ToList());
    }

    /// <summary><c>15m</c>, <c>1h</c> → minutes (1 … 1440).</summary>
    internal static int? ParseWindow(string? window)
    {
        if (window is not { Length: >= 2 } || !int.TryParse(window[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        var minutes = window[^1] switch { 'm' => n, 'h' => n * 60, _ => -1 };
        return minutes is >= 1 and <= 1440 ? minutes : null;
    }
}

/// <summary>A new alert rule.</summary>
public sealed record CreateAlertRuleRequest
{
    public string? Name { get; init; }

    /// <summary>threshold (default) or anomaly.</summary>
    public string? Kind { get; init; }

    /// <summary>event_count, user_count, conversion_rate, engagement_rate, response_time, error_rate or bounce_rate.</summary>
    public string? Metric { get; init; }

    /// <summary>gt (default), gte, lt or lte.</summary>
    public string? Comparison { get; init; }

    public double? Threshold { get; init; }

    /// <summary>e.g. 15m or 1h (at most 24h).</summary>
    public string? Window { get; init; }

    /// <summary>Anomaly rules: k in mean + k·stddev (default 3).</summary>
    public double? Sensitivity { get; init; }

    /// <summary>Anomaly rules: trailing windows in the baseline (default 8).</summary>
    public int? BaselineWindows { get; init; }

    public AlertFilter? Filter { get; init; }

    /// <summary>low, medium (default), high or critical.</summary>
    public string? Severity { get; init; }
}

/// <summary>Which events an alert rule counts.</summary>
public sealed record AlertFilter(string? EventType, Guid? CampaignId);

/// <summary>An alert rule as the API shows it.</summary>
public sealed record AlertRuleResponse(Guid Id, string Name, string Kind, string Metric, string Comparison, double Threshold, string Window,
    double Sensitivity, int BaselineWindows, AlertFilter Filter, string Severity, bool Firing, Guid? OpenAlertId, DateTimeOffset? LastEvaluatedAt)
{
    public static AlertRuleResponse From(AlertRule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Name, r.Kind.ToString().ToLowerInvariant(), r.Metric, r.Comparison.ToString().ToLowerInvariant(), r.Threshold,
            $"{r.WindowMinutes}m", r.Sensitivity, r.BaselineWindows, new AlertFilter(r.EventType, r.CampaignId), r.Severity.ToString().ToLowerInvariant(),
            r.OpenAlertId is not null, r.OpenAlertId, r.LastEvaluatedAt);
    }
}
