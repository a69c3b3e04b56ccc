namespace Hub.Core.Campaigns;

/// <summary>
/// When a campaign's runs start. Wall-clock times are kept in the schedule's zone, so a weekly 09:00 send stays
/// at 09:00 local across daylight-saving changes.
/// </summary>
public static class ScheduleMath
{
    /// <summary>The first run at or after <paramref name="now"/>; null for an immediate schedule (it runs now).</summary>
    public static DateTimeOffset? FirstRun(CampaignSchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Type switch
        {
            ScheduleType.Scheduled => schedule.ScheduledAt is { } at && at > now ? at : now,
            ScheduleType.Recurring => Occurrences(schedule, now).Cast<DateTimeOffset?>().FirstOrDefault(t => t >= now - TimeSpan.FromSeconds(1)),
            _ => null,
        };
    }

    /// <summary>The run after the one that started at <paramref name="lastRun"/>; null when there is none (one-off, or past the end date).</summary>
    public static DateTimeOffset? NextRun(CampaignSchedule schedule, DateTimeOffset lastRun)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Type != ScheduleType.Recurring)
        {
            return null;
        }

        return Occurrences(schedule, lastRun).Cast<DateTimeOffset?>().FirstOrDefault(t => t > lastRun + TimeSpan.FromSeconds(1));
    }

    /// <summary>Every run of a recurring schedule from its anchor, up to its end date (or a generous bound).</summary>
    private static IEnumerable<DateTimeOffset> Occurrences(CampaignSchedule schedule, DateTimeOffset from)
    {
        var recurring = schedule.Recurring ?? new RecurringSchedule();
        var zone = schedule.Timezone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : TimeZoneInfo.Utc;
        var anchor = TimeZoneInfo.ConvertTime(schedule.ScheduledAt ?? from, zone).DateTime;
        var interval = Math.Max(1, recurring.Interval);
        for (var k = 0; k < 100_000; k++)
        {
            var local = recurring.Frequency switch
            {
                RecurringFrequency.Weekly => anchor.AddDays(7.0 * interval * k),
                RecurringFrequency.Monthly => anchor.AddMonths(interval * k),
                _ => anchor.AddDays(1.0 * interval * k),
            };
            if (recurring.EndDate is { } end && DateOnly.FromDateTime(local) > end)
            {
                yield break;
            }

            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(30); // a spring-forward gap: the first valid time after it
            }

            var utc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
            if (utc >= from - TimeSpan.FromDays(1))
            {
                yield return utc;
            }
        }
    }
}
