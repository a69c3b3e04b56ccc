namespace Hub.Core.Campaigns;

/// <summary>How a campaign sends (the spec's <c>settings</c>).</summary>
public sealed class CampaignSettings
{
    /// <summary>Recipients claimed and queued per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Messages queued per second at most; 0: as fast as batches go.</summary>
    public int RateLimit { get; set; }

    /// <summary>Delivery tries per message before it counts as failed.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Defer recipients who are in their quiet hours to the end of them (in their own time zone).</summary>
    public bool RespectQuietHours { get; set; } = true;

    /// <summary>Skip a contact who already got this many campaign messages within <see cref="FrequencyCapWindow"/>; 0: no cap.</summary>
    public int FrequencyCap { get; set; }

    /// <summary>The frequency cap's window, e.g. <c>24h</c>, <c>7d</c>.</summary>
    public string? FrequencyCapWindow { get; set; }
}

/// <summary>When a campaign runs (the spec's <c>schedule</c>).</summary>
public sealed class CampaignSchedule
{
    public ScheduleType Type { get; set; } = ScheduleType.Immediate;

    /// <summary>For scheduled: the moment (with offset); for recurring: the first run.</summary>
    public DateTimeOffset? ScheduledAt { get; set; }

    /// <summary>IANA zone the schedule's wall-clock times are in; recurring runs keep their local time across DST.</summary>
    public string? Timezone { get; set; }

    public RecurringSchedule? Recurring { get; set; }
}

/// <summary>The schedule kinds.</summary>
public enum ScheduleType
{
    Immediate,
    Scheduled,
    Recurring,
}

/// <summary>A recurring schedule: every <see cref="Interval"/> days, weeks or months until <see cref="EndDate"/>.</summary>
public sealed class RecurringSchedule
{
    public RecurringFrequency Frequency { get; set; } = RecurringFrequency.Daily;

    public int Interval { get; set; } = 1;

    /// <summary>The last day (in the schedule's zone) a run may start on; null: no end.</summary>
    public DateOnly? EndDate { get; set; }
}

/// <summary>How often a recurring campaign runs.</summary>
public enum RecurringFrequency
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>A/B testing: variants with a traffic split, optionally a test cohort and a winner metric (applied later).</summary>
public sealed class CampaignVariants
{
    public List<CampaignVariant> Items { get; set; } = [];

    /// <summary>Percent of the audience that gets the test; null: everyone is split between the variants.</summary>
    public int? TestPercent { get; set; }

    /// <summary>How long the test runs before the winner is picked, e.g. <c>4h</c>.</summary>
    public string? Wait { get; set; }

    /// <summary>What picks the winner.</summary>
    public WinnerMetric Metric { get; set; } = WinnerMetric.OpenRate;

    public bool IsEnabled => Items.Count > 1;
}

/// <summary>One A/B variant: its own template or just a subject override, and its share of the traffic.</summary>
public sealed class CampaignVariant
{
    public required string Name { get; set; }

    public Guid? TemplateId { get; set; }

    public string? Subject { get; set; }

    /// <summary>Relative weight of the split (weights need not add up to 100).</summary>
    public int Weight { get; set; } = 1;
}

/// <summary>The rate an A/B winner is chosen by.</summary>
public enum WinnerMetric
{
    OpenRate,
    ClickRate,
}
