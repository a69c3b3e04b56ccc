using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Analytics;

/// <summary>Settings under <c>Analytics</c>.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>How often waiting analytics events are folded into the rollups.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan AggregationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many events one aggregation transaction folds.</summary>
    [Range(1, 100_000)]
    public int AggregationBatchSize { get; set; } = 1000;

    /// <summary>How often alert rules are evaluated.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the background aggregation and alert jobs run (tests drive them with RunOnceAsync).</summary>
    public bool BackgroundJobs { get; set; } = true;
}
