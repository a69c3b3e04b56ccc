using System.Text.RegularExpressions;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Turns the framework's validation messages ("The field Password must be a string or array type with a minimum length
/// of '10'.") into plain words that name the field as people read it ("Password must be at least 10 characters.").
/// Messages an endpoint wrote itself are kept as they are.
/// </summary>
public static partial class ValidationWords
{
    public static string Rewrite(string field, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var label = Label(field);
        if (Required().IsMatch(message))
        {
            return $"{label} is required.";
        }

        if (MinLength().Match(message) is { Success: true } min)
        {
            return min.Groups["n"].Value == "1" ? $"{label} can't be empty." : $"{label} must be at least {min.Groups["n"].Value} characters.";
        }

        if (MaxLength().Match(message) is { Success: true } max)
        {
            return $"{label} can be at most {max.Groups["n"].Value} characters.";
        }

        if (StringLength().Match(message) is { Success: true } len)
        {
            return len.Groups["min"].Success
                ? $"{label} must be {len.Groups["min"].Value} to {len.Groups["max"].Value} characters."
                : $"{label} can be at most {len.Groups["max"].Value} characters.";
        }

        if (Email().IsMatch(message))
        {
            return $"{label} is not a valid email address (like name@example.com).";
        }

        if (Range().Match(message) is { Success: true } range)
        {
            return $"{label} must be between {range.Groups["a"].Value} and {range.Groups["b"].Value}.";
        }

        if (Pattern().IsMatch(message))
        {
            return $"{label} is not in the expected format.";
        }

        if (Url().IsMatch(message))
        {
            return $"{label} is not a valid URL (like https://example.com/hook).";
        }

        return message;
    }

    /// <summary><c>settings.sender_email</c> → "Sender email"; <c>[2].first_response_minutes</c> → "First response minutes".</summary>
    public static string Label(string field)
    {
        var last = (field ?? "").Split('.').LastOrDefault(s => s.Length > 0) ?? "";
        last = IndexPart().Replace(last, "");
        if (last.Length == 0)
        {
            return "This field";
        }

        var words = Humps().Replace(last, "$1 $2").Replace('_', ' ').Trim().ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    [GeneratedRegex(@"^The \S+ field is required\.$")]
    private static partial Regex Required();

    [GeneratedRegex(@"^The field \S+ must be a string or array type with a minimum length of '(?<n>\d+)'\.$")]
    private static partial Regex MinLength();

    [GeneratedRegex(@"^The field \S+ must be a string or array type with a maximum length of '(?<n>\d+)'\.$")]
    private static partial Regex MaxLength();

    [GeneratedRegex(@"^The field \S+ must be a string with (a minimum length of (?<min>\d+) and )?a maximum length of (?<max>\d+)\.$")]
    private static partial Regex StringLength();

    [GeneratedRegex(@"^The \S+ field is not a valid e-mail address\.$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^The field \S+ must be between (?<a>\S+) and (?<b>\S+)\.$")]
    private static partial Regex Range();

    [GeneratedRegex(@"^The field \S+ must match the regular expression '.*'\.$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^The \S+ field is not a valid fully-qualified http, https, or ftp URL\.$")]
    private static partial Regex Url();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex IndexPart();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex Humps();
}
