namespace Hub.Core.Analytics;

/// <summary>A report's bucket size. All buckets are UTC; weeks start on Monday.</summary>
public enum ReportGranularity
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>Bucket arithmetic shared by the aggregator, reports and alerts.</summary>
public static class Buckets
{
    /// <summary>The start of the bucket holding <paramref name="at"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset at, ReportGranularity granularity)
    {
        var t = at.ToUniversalTime();
        return granularity switch
        {
            ReportGranularity.Minute => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero),
            ReportGranularity.Hour => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero),
            ReportGranularity.Day => new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero),
            ReportGranularity.Week => new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(-(((int)t.DayOfWeek + 6) % 7)),
            ReportGranularity.Month => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(granularity)),
        };
    }

    public static DateTimeOffset Floor(DateTimeOffset at, BucketGranularity granularity) => Floor(at, ToReport(granularity));

    /// <summary>The start of the bucket after the one starting at <paramref name="start"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset start, ReportGranularity granularity) => granularity switch
    {
        ReportGranularity.Minute => start.AddMinutes(1),
        ReportGranularity.Hour => start.AddHours(1),
        ReportGranularity.Day => start.AddDays(1),
        ReportGranularity.Week => start.AddDays(7),
        ReportGranularity.Month => start.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(granularity)),
    };

    /// <summary>Rounds up to a bucket boundary (unchanged when already on one).</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset at, ReportGranularity granularity)
    {
        var floor = Floor(at, granularity);
        return floor == at ? floor : Next(floor, granularity);
    }

    /// <summary>The stored rollup a report of <paramref name="granularity"/> reads: weeks and months are summed from days.</summary>
    public static BucketGranularity Source(ReportGranularity granularity) => granularity switch
    {
        ReportGranularity.Minute => BucketGranularity.Minute,
        ReportGranularity.Hour => BucketGranularity.Hour,
        _ => BucketGranularity.Day,
    };

    public static ReportGranularity ToReport(BucketGranularity granularity) => granularity switch
    {
        BucketGranularity.Minute => ReportGranularity.Minute,
        BucketGranularity.Hour => ReportGranularity.Hour,
        _ => ReportGranularity.Day,
    };

    /// <summary>The most buckets one report may have at each granularity (a day of minutes, a month of hours…).</summary>
    public static int MaxBuckets(ReportGranularity granularity) => granularity switch
    {
        ReportGranularity.Minute => 1440,
        ReportGranularity.Hour => 744,
        ReportGranularity.Day => 366,
        ReportGranularity.Week => 260,
        _ => 120,
    };

    /// <summary>How many buckets cover [start, end) once both are aligned.</summary>
    public static int Count(DateTimeOffset start, DateTimeOffset end, ReportGranularity granularity, int stopAfter)
    {
        var n = 0;
        for (var at = start; at < end && n <= stopAfter; at = Next(at, granularity))
        {
            n++;
        }

        return n;
    }
}
