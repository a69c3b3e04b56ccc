namespace Hub.Web.Features.Settings;

/// <summary>The workspace as its settings page edits it.</summary>
public sealed record WorkspaceDto(Guid Id, string Name, string Slug, string TimeZone, IReadOnlyList<BusinessDayDto> BusinessHours, DateTimeOffset CreatedAt);

/// <summary>One opening window of a weekday (<c>day</c> as the API spells it: <c>monday</c>…).</summary>
public sealed record BusinessDayDto(string Day, TimeOnly Opens, TimeOnly Closes);

/// <summary>The new end-user token secret, shown once.</summary>
public sealed record ClientSecretDto(string ClientTokenSecret);

/// <summary>A member as the routing page shows them.</summary>
public sealed record TeamMemberDto(Guid Id, string DisplayName, string Availability, int ConversationCapacity, int OpenConversations);

/// <summary>A team, its members and the intents routed to it.</summary>
public sealed record TeamDto(string Name, IReadOnlyList<TeamMemberDto> Members, IReadOnlyList<string> Intents);

/// <summary>How new conversations are routed.</summary>
public sealed record RoutingDto(
    bool AutoAssign, bool ServerAutoAssign, IReadOnlyDictionary<string, string> IntentTeams, IReadOnlyList<string> KnownIntents,
    IReadOnlyList<TeamDto> Teams, IReadOnlyList<TeamMemberDto> WithoutTeam);

/// <summary>SLA targets for one priority, optionally for one team and/or channel.</summary>
public sealed record SlaPolicyDto(
    string Priority, int FirstResponseMinutes, int ResolutionMinutes, double? WarnAt, string? Team, Guid? ChannelId, bool BusinessHoursOnly);

/// <summary>An open conversation past an SLA target.</summary>
public sealed record SlaBreachDto(
    Guid ConversationId, string? Subject, string Priority, string? Team, Guid? AssigneeId, string Channel,
    DateTimeOffset BreachedAt, DateTimeOffset? FirstResponseDueAt, DateTimeOffset? ResolutionDueAt);

/// <summary>A saved reply.</summary>
public sealed record CannedResponseDto(Guid Id, string ShortCode, string Content, string? Team, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Words people use for the API's names.</summary>
public static class SettingsWords
{
    /// <summary><c>card_lost</c> → "Card lost".</summary>
    public static string Readable(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return name;
        }

        var words = name.Replace('_', ' ').Replace('-', ' ').Trim();
        return char.ToUpperInvariant(words[0]) + words[1..].ToLowerInvariant();
    }
}
