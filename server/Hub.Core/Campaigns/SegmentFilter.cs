using Hub.Core.Rules;

namespace Hub.Core.Campaigns;

/// <summary>
/// Which contacts an audience holds. Every part that is set must hold (AND); a part left out holds for all.
/// Only active contacts (<c>is_active</c>) are ever in an audience.
/// <list type="bullet">
/// <item><see cref="UserSegments"/>: the contact is in at least one of these named segments (<see cref="NamedSegments"/>).</item>
/// <item><see cref="Language"/>, <see cref="Timezone"/>: one of the listed values (language matches its primary tag too: <c>fr</c> matches <c>fr-CA</c>).</item>
/// <item><see cref="RegistrationDate"/>, <see cref="LastActivity"/>: within the range (last activity: the latest event or inbound message).</item>
/// <item><see cref="Conditions"/>: the rules engine's conditions, over contact fields (<c>email</c>, <c>phone</c>, <c>language</c>,
/// <c>timezone</c>, <c>created_at</c>, <c>is_active</c>, <c>external_id</c>, <c>first_name</c>, <c>last_name</c>, <c>last_activity_at</c>),
/// <c>attributes.&lt;key&gt;</c>, and events (<c>prior_event</c> + <c>within</c>: did it in the window; <c>absent</c>: didn't).
/// Dates compare with an ISO date/time or a duration back from now (<c>created_at gt 30d</c>: registered in the last 30 days).</item>
/// </list>
/// </summary>
public sealed class SegmentFilter
{
    public List<string>? UserSegments { get; set; }

    public List<string>? Language { get; set; }

    public List<string>? Timezone { get; set; }

    public DateRange? RegistrationDate { get; set; }

    public DateRange? LastActivity { get; set; }

    public RuleConditions? Conditions { get; set; }

    /// <summary>Whether any part is set (an empty filter matches every active contact).</summary>
    public bool HasAnyPart() =>
        UserSegments is { Count: > 0 } || Language is { Count: > 0 } || Timezone is { Count: > 0 } || RegistrationDate is not null
        || LastActivity is not null || Conditions is { } c && (c.All.Count > 0 || c.Any.Count > 0);
}

/// <summary>A time range; either end may be open.</summary>
public sealed record DateRange(DateTimeOffset? From, DateTimeOffset? To)
{
    public bool Contains(DateTimeOffset? value) =>
        value is { } v && (From is null || v >= From) && (To is null || v <= To);
}

/// <summary>
/// The product spec's named segments. New: registered in the last 30 days. Active: an event or inbound message
/// in the last 30 days; inactive: none (or never). Premium: <c>attributes.plan</c> is set and is not <c>free</c>;
/// free: no plan or <c>plan = free</c>. All: every active contact.
/// </summary>
public static class NamedSegments
{
    public const string AllUsers = "all_users";
    public const string NewUsers = "new_users";
    public const string ActiveUsers = "active_users";
    public const string InactiveUsers = "inactive_users";
    public const string PremiumUsers = "premium_users";
    public const string FreeUsers = "free_users";

    /// <summary>How far back "new" and "active" look.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    public static readonly IReadOnlyList<string> All = [AllUsers, NewUsers, ActiveUsers, InactiveUsers, PremiumUsers, FreeUsers];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
