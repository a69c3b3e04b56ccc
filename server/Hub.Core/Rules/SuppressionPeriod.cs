using System.Globalization;

namespace Hub.Core.Rules;

/// <summary>
/// The period keys a suppression claim may take for one event, in the order to try them, and how to say
/// "already sent" for that period. The period comes from the EVENT's time (not the clock), in the user's zone.
/// </summary>
/// <param name="Keys">Keys to try in order; the first one inserted wins. Empty: no suppression.</param>
/// <param name="Explanation">Why the event is suppressed when every key is taken.</param>
public sealed record SuppressionPeriod(IReadOnlyList<string> Keys, string Explanation)
{
    public static readonly SuppressionPeriod None = new([], string.Empty);

    public static SuppressionPeriod For(RuleSuppression suppression, DateTimeOffset occurredAt, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(suppression);
        ArgumentNullException.ThrowIfNull(zone);
        switch (suppression.Mode)
        {
            case SuppressionMode.OnceEver:
                return new(["ever"], "already sent once ever");
            case SuppressionMode.OncePerCalendarDay:
                var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurredAt, zone).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return new([$"day:{day}"], $"already sent on {day} ({zone.Id})");
            case SuppressionMode.MaxPerWindow:
                var max = suppression.Max ?? 1;
                var window = RuleDuration.Parse(suppression.Window ?? "1d");
                var seconds = (long)window.TotalSeconds;
                var unix = occurredAt.ToUnixTimeSeconds();
                var startSeconds = unix - (((unix % seconds) + seconds) % seconds); // floor, also before 1970
                var from = DateTimeOffset.FromUnixTimeSeconds(startSeconds);
                return new([.. Enumerable.Range(0, max).Select(slot => $"w:{startSeconds}:{slot}")],
                    $"{max} of {max} in the {suppression.Window} window from {from:u}");
            default:
                return None;
        }
    }
}
