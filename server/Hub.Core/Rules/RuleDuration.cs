using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Core.Rules;

/// <summary>The durations rules are written with: a whole number and a unit, <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>.</summary>
public static partial class RuleDuration
{
    /// <summary>The longest window a rule may use (a year).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(366);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? null : Pattern().Match(text.Trim());
        if (match is not { Success: true } || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        var unit = match.Groups[2].Value;
        var seconds = unit switch { "s" => n, "m" => n * 60, "h" => n * 3600, _ => n * 86400 };
        if (seconds > Max.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a duration such as 30m, 24h or 7d.");

    [GeneratedRegex("^([0-9]{1,9})([smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
