using Hub.Core.Rules;

namespace Hub.Core.Tests.Rules;

public sealed class SuppressionPeriodTests
{
    [Fact]
    public void Calendar_day_is_the_users_local_day_of_the_event()
    {
        var auckland = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland"); // UTC+13 in November
        var rule = new RuleSuppression { Mode = SuppressionMode.OncePerCalendarDay };
        Assert.Equal("day:2026-11-19", SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 19, 10, 30, 0, TimeSpan.Zero), auckland).Keys.Single());
        Assert.Equal("day:2026-11-20", SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 19, 11, 30, 0, TimeSpan.Zero), auckland).Keys.Single());
        Assert.Equal("already sent on 2026-11-20 (Pacific/Auckland)", SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 19, 11, 30, 0, TimeSpan.Zero), auckland).Explanation);
    }

    [Fact]
    public void Max_per_window_offers_one_slot_per_allowed_send_in_an_epoch_aligned_window()
    {
        var rule = new RuleSuppression { Mode = SuppressionMode.MaxPerWindow, Max = 3, Window = "1h" };
        var a = SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 30, 10, 5, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        var b = SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 30, 10, 59, 59, TimeSpan.Zero), TimeZoneInfo.Utc);
        var c = SuppressionPeriod.For(rule, new DateTimeOffset(2026, 11, 30, 11, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        var start = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal([$"w:{start}:0", $"w:{start}:1", $"w:{start}:2"], a.Keys);
        Assert.Equal(a.Keys, b.Keys);
        Assert.NotEqual(a.Keys, c.Keys);
        Assert.StartsWith("3 of 3 in the 1h window", a.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_ever_has_one_key_and_none_has_none()
    {
        Assert.Equal(["ever"], SuppressionPeriod.For(new RuleSuppression { Mode = SuppressionMode.OnceEver }, DateTimeOffset.UtcNow, TimeZoneInfo.Utc).Keys);
        Assert.Empty(SuppressionPeriod.For(new RuleSuppression(), DateTimeOffset.UtcNow, TimeZoneInfo.Utc).Keys);
    }
}
