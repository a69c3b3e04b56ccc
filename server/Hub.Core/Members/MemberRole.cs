namespace Hub.Core.Members;

/// <summary>The roles a member of a workspace can hold. Stored as Identity role names.</summary>
public static class MemberRole
{
    /// <summary>Runs the workspace: members, API keys, channels, settings, everything else.</summary>
    public const string Admin = "admin";

    /// <summary>Works the shared inbox.</summary>
    public const string Agent = "agent";

    /// <summary>Builds and runs campaigns, templates and segments.</summary>
    public const string Marketer = "marketer";

    public static IReadOnlyList<string> All { get; } = [Admin, Agent, Marketer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
