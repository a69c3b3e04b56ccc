using Hub.Core.Workspaces;

namespace Hub.Core.Tests.Workspaces;

public sealed class BusinessHoursTests
{
    private static readonly BusinessHours Weekdays = new()
    {
        Days = [.. Enumerable.Range(1, 5).Select(d => new BusinessDay((DayOfWeek)d, new TimeOnly(9, 0), new TimeOnly(17, 0)))],
    };

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Always_open_hours_add_plain_time()
    {
        var start = new DateTimeOffset(2026, 12, 5, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddHours(2), new BusinessHours().AddOpenTime(start, TimeSpan.FromHours(2), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Time_left_at_closing_carries_over_the_weekend_to_monday_morning()
    {
        // Friday 16:00 in Berlin (15:00 UTC): one hour today, the second on Monday from 09:00.
        var friday = new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero);
        var due = Weekdays.AddOpenTime(friday, TimeSpan.FromHours(2), Berlin);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), due); // Monday 10:00 Berlin
    }

    [Fact]
    public void A_daylight_saving_change_keeps_opening_at_nine_local_time()
    {
        // Saturday 28 March 2026, clocks go forward on Sunday: Monday 09:00 Berlin is 07:00 UTC.
        var saturday = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 7, 30, 0, TimeSpan.Zero), Weekdays.AddOpenTime(saturday, TimeSpan.FromMinutes(30), Berlin));
    }

    [Fact]
    public void Split_days_and_overlaps()
    {
        var split = new BusinessHours
        {
            Days = [new(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(12, 0)), new(DayOfWeek.Monday, new TimeOnly(13, 0), new TimeOnly(17, 0))],
        };
        var monday = new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero), split.AddOpenTime(monday, TimeSpan.FromHours(2), TimeZoneInfo.Utc));
        Assert.Null(split.Problem());

        var overlapping = new BusinessHours { Days = [.. split.Days, new(DayOfWeek.Monday, new TimeOnly(11, 0), new TimeOnly(14, 0))] };
        Assert.Contains("overlap", overlapping.Problem(), StringComparison.Ordinal);
        var backwards = new BusinessHours { Days = [new(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(9, 0))] };
        Assert.Contains("Friday", backwards.Problem(), StringComparison.Ordinal);
    }
}
