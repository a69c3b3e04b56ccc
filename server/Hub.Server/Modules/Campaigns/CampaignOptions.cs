using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Campaigns;

/// <summary>The campaign runner (<c>Campaigns</c> section).</summary>
public sealed class CampaignOptions
{
    public const string Section = "Campaigns";

    /// <summary>Run the campaign sweep (start due campaigns, send running ones) on this node.</summary>
    public bool RunnerEnabled { get; set; } = true;

    /// <summary>How often the sweep looks for due and running campaigns (starting, resuming or pausing one wakes it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one sweep works on one campaign before it lets the others have a turn.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TimeSlice { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With PostgreSQL, how often each node checks in to the shared Quartz schedule. A node that stops checking in is
    /// taken for dead after about this plus 7.5 s, and the campaign sweep it was running moves to another node then.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Contacts read per step while the audience is written into the ledger.</summary>
    [Range(10, 10_000)]
    public int ExpandBatchSize { get; set; } = 500;

    /// <summary>Live updates (<c>campaign.status</c>, <c>campaign.analytics</c>) go out at most this often per campaign, however many hits arrive.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A/B minimum sample: a variant takes part in the winner decision only when sent to at least this many recipients.</summary>
    [Range(1, 1_000_000)]
    public int AbMinSample { get; set; } = 20;

    /// <summary>How long an A/B test runs before the winner is picked when the campaign's variants give no <c>wait</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan AbDefaultWait { get; set; } = TimeSpan.FromHours(4);
}
