namespace Hub.Core.Workspaces;

/// <summary>One weekday's opening hours, in the workspace's time zone (<c>closes</c> after <c>opens</c>).</summary>
public sealed record BusinessDay(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

/// <summary>
/// When a workspace answers: a set of opening windows per weekday, read in the workspace's time zone. No days at all
/// means always open. SLA targets marked "business hours only" count only the time inside these windows.
/// </summary>
public sealed class BusinessHours
{
    public List<BusinessDay> Days { get; set; } = [];

    public bool AlwaysOpen => Days.Count == 0;

    /// <summary>Why these hours can't be used, or <c>null</c>.</summary>
    public string? Problem()
    {
        foreach (var day in Days)
        {
            if (day.Closes <= day.Opens)
            {
                return $"On {day.Day} the closing time must be after the opening time.";
            }
        }

        foreach (var group in Days.GroupBy(d => d.Day))
        {
            var ordered = group.OrderBy(d => d.Opens).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Opens < ordered[i - 1].Closes)
                {
                    return $"On {group.Key} two opening windows overlap.";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The moment <paramref name="duration"/> of open time has passed after <paramref name="start"/>. Always-open hours
    /// add plainly; otherwise closed time is skipped, day by day in <paramref name="zone"/> (so a daylight-saving change
    /// moves the window's UTC time as a person would expect).
    /// </summary>
    public DateTimeOffset AddOpenTime(DateTimeOffset start, TimeSpan duration, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (AlwaysOpen || duration <= TimeSpan.Zero)
        {
            return start + duration;
        }

        var left = duration;
        var cursor = start.ToUniversalTime();
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(cursor, zone).DateTime);
        // Two years of days without an opening window cannot happen with a non-empty list; the bound only guards the loop.
        for (var guard = 0; guard < 800; guard++, localDate = localDate.AddDays(1))
        {
            foreach (var window in Days.Where(d => d.Day == localDate.DayOfWeek).OrderBy(d => d.Opens))
            {
                var opens = ToUtc(localDate, window.Opens, zone);
                var closes = ToUtc(localDate, window.Closes, zone);
                if (closes <= cursor)
                {
                    continue;
                }

                var from = opens > cursor ? opens : cursor;
                var available = closes - from;
                if (available >= left)
                {
                    return from + left;
                }

                left -= available;
                cursor = closes;
            }
        }

        return cursor + left;
    }

    private static DateTimeOffset ToUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // the clock skipped this hour: the window starts when it exists again
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
