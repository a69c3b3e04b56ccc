using Hub.Core.Workspaces;

namespace Hub.Core.Analytics;

/// <summary>
/// Watches one metric over a sliding window of whole minutes: a threshold (<c>bounce_rate &gt; 0.05 over 15m</c>) or
/// an anomaly (the current window above the trailing windows' mean + k·stddev). It raises once per breach and
/// clears once when the metric is back.
/// </summary>
public sealed class AlertRule : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public AlertKind Kind { get; set; }

    public required string Metric { get; set; }

    public AlertComparison Comparison { get; set; } = AlertComparison.Gt;

    /// <summary>The threshold (threshold rules); unused by anomaly rules, whose threshold is computed.</summary>
    public double Threshold { get; set; }

    /// <summary>The window, in minutes (1 … 1440).</summary>
    public int WindowMinutes { get; set; }

    /// <summary>Anomaly rules: how many standard deviations above the baseline mean is an anomaly.</summary>
    public double Sensitivity { get; set; } = 3;

    /// <summary>Anomaly rules: how many windows before the current one form the baseline.</summary>
    public int BaselineWindows { get; set; } = 8;

    /// <summary>Only events of this type count (e.g. <c>sla_breached</c>); null for all.</summary>
    public string? EventType { get; set; }

    /// <summary>Only this campaign's events count; null for all.</summary>
    public Guid? CampaignId { get; set; }

    public AlertSeverity Severity { get; set; } = AlertSeverity.Medium;

    public bool Enabled { get; set; } = true;

    /// <summary>The open alert, while the rule is in breach; null when clear.</summary>
    public Guid? OpenAlertId { get; set; }

    public DateTimeOffset? LastEvaluatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A raised or cleared alert: the spec's AnalyticsAlertMessage, as stored and pushed.</summary>
public sealed class AlertEvent : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The alert this event belongs to: a raise and its clear share it.</summary>
    public Guid AlertId { get; set; }

    public Guid RuleId { get; set; }

    public AlertState State { get; set; }

    /// <summary><c>threshold_exceeded</c> or <c>anomaly_detected</c>.</summary>
    public required string AlertType { get; set; }

    public AlertSeverity Severity { get; set; }

    public required string Metric { get; set; }

    public double CurrentValue { get; set; }

    public double Threshold { get; set; }

    /// <summary>e.g. <c>15m</c>.</summary>
    public required string TimeWindow { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Threshold or anomaly.</summary>
public enum AlertKind
{
    Threshold,
    Anomaly,
}

/// <summary>How a threshold rule compares the metric with its threshold.</summary>
public enum AlertComparison
{
    Gt,
    Gte,
    Lt,
    Lte,
}

/// <summary>The spec's severities.</summary>
public enum AlertSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>Whether an alert event raised or cleared the alert.</summary>
public enum AlertState
{
    Raised,
    Cleared,
}

/// <summary>The pure decision of an alert evaluation.</summary>
public static class AlertMath
{
    /// <summary>Whether <paramref name="value"/> breaches <paramref name="threshold"/>.</summary>
    public static bool Breaches(double value, AlertComparison comparison, double threshold) => comparison switch
    {
        AlertComparison.Gt => value > threshold,
        AlertComparison.Gte => value >= threshold,
        AlertComparison.Lt => value < threshold,
        _ => value <= threshold,
    };

    /// <summary>The anomaly threshold: the baseline's mean + k·(population) standard deviation.</summary>
    public static double AnomalyThreshold(IReadOnlyCollection<double> baseline, double k)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Count == 0)
        {
            return double.PositiveInfinity;
        }

        var mean = baseline.Average();
        var variance = baseline.Sum(v => (v - mean) * (v - mean)) / baseline.Count;
        return mean + (k * Math.Sqrt(variance));
    }
}
