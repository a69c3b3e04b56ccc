using System.Text.RegularExpressions;

namespace Hub.Core.Members;

/// <summary>Teams are named, not stored: a member belongs to one, a conversation is routed to one, by this name.</summary>
public static partial class TeamName
{
    /// <summary>What a team name must look like, in words for an error message.</summary>
    public const string Rule = "A team name is 1-100 characters: lower-case letters, digits, spaces, '_' or '-', starting with a letter or digit.";

    /// <summary>The stored form (trimmed, lower case), or <c>null</c> for no team.</summary>
    public static string? Normalize(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim().ToLowerInvariant();

    /// <summary>Whether a normalised name is acceptable.</summary>
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9 _-]{0,99}$")]
    private static partial Regex Pattern();
}
