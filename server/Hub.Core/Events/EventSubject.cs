using System.Text.RegularExpressions;

namespace Hub.Core.Events;

/// <summary>Event subjects are <c>{domain}.{entity}.{action}</c>, lower-case, with <c>_</c> inside words.</summary>
public static partial class EventSubject
{
    [GeneratedRegex("^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$")]
    private static partial Regex Pattern();

    public static bool IsValid(string subject) => Pattern().IsMatch(subject);

    public static void EnsureValid(string subject)
    {
        if (!IsValid(subject))
        {
            throw new ArgumentException($"Event subject '{subject}' is not of the form domain.entity.action.", nameof(subject));
        }
    }
}
