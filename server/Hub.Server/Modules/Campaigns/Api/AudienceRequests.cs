using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary>The spec's <c>user_filters</c>: languages, time zones, registration date and last activity ranges.</summary>
public sealed record UserFilters
{
    public List<string>? Language { get; init; }

    public List<string>? Timezone { get; init; }

    public DateRange? RegistrationDate { get; init; }

    public DateRange? LastActivity { get; init; }
}

/// <summary>
/// An audience filter as the API writes it: named segments (<c>all_users</c>, <c>new_users</c>, <c>active_users</c>,
/// <c>inactive_users</c>, <c>premium_users</c>, <c>free_users</c>), user filters, and rule-style conditions over contact
/// fields, <c>attributes.*</c> and events. Every part given must hold.
/// </summary>
public record AudienceFilter
{
    public List<string>? UserSegments { get; init; }

    public UserFilters? UserFilters { get; init; }

    public RuleConditions? Conditions { get; init; }

    public SegmentFilter ToFilter() => new()
    {
        UserSegments = UserSegments,
        Language = UserFilters?.Language,
        Timezone = UserFilters?.Timezone,
        RegistrationDate = UserFilters?.RegistrationDate,
        LastActivity = UserFilters?.LastActivity,
        Conditions = Conditions,
    };

    public static AudienceFilter From(SegmentFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var users = filter.Language is null && filter.Timezone is null && filter.RegistrationDate is null && filter.LastActivity is null
            ? null
            : new UserFilters { Language = filter.Language, Timezone = filter.Timezone, RegistrationDate = filter.RegistrationDate, LastActivity = filter.LastActivity };
        return new AudienceFilter { UserSegments = filter.UserSegments, UserFilters = users, Conditions = filter.Conditions };
    }
}

/// <summary>Checks of audience filters shared by segments and campaigns; errors are keyed by JSON path.</summary>
public static class AudienceRules
{
    private static readonly HashSet<string> ContactFields =
        ["email", "phone", "language", "timezone", "external_id", "user_id", "first_name", "last_name", "is_active", "created_at", "registration_date", "last_activity_at", "last_activity"];

    public static void Check(AudienceFilter? filter, string path, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (filter is null)
        {
            return;
        }

        foreach (var (name, i) in (filter.UserSegments ?? []).Select((n, i) => (n, i)))
        {
            if (!NamedSegments.IsKnown(name))
            {
                errors[$"{path}.user_segments[{i}]"] = [$"'{name}' is not a named segment; use one of {string.Join(", ", NamedSegments.All)}."];
            }
        }

        foreach (var (zone, i) in (filter.UserFilters?.Timezone ?? []).Select((z, i) => (z, i)))
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                errors[$"{path}.user_filters.timezone[{i}]"] = [$"'{zone}' is not a known IANA time zone."];
            }
        }

        CheckRange(filter.UserFilters?.RegistrationDate, $"{path}.user_filters.registration_date", errors);
        CheckRange(filter.UserFilters?.LastActivity, $"{path}.user_filters.last_activity", errors);
        if (filter.Conditions is { } conditions)
        {
            CheckConditions(conditions.All, $"{path}.conditions.all", errors);
            CheckConditions(conditions.Any, $"{path}.conditions.any", errors);
        }
    }

    private static void CheckRange(DateRange? range, string path, Dictionary<string, string[]> errors)
    {
        if (range is { From: { } from, To: { } to } && from > to)
        {
            errors[path] = ["from must not be after to."];
        }
    }

    private static void CheckConditions(List<RuleCondition>? conditions, string path, Dictionary<string, string[]> errors)
    {
        foreach (var (condition, i) in (conditions ?? []).Select((c, i) => (c, i)))
        {
            var at = $"{path}[{i}]";
            if (condition.Within is { } within && !RuleDuration.TryParse(within, out _))
            {
                errors[$"{at}.within"] = [$"'{within}' is not a duration such as 30m, 24h or 7d."];
            }

            if (condition.Field is { } field)
            {
                var name = field.StartsWith("user.", StringComparison.Ordinal) ? field[5..] : field.StartsWith("contact.", StringComparison.Ordinal) ? field[8..] : field;
                var known = ContactFields.Contains(name)
                    || (name.StartsWith("attributes.", StringComparison.Ordinal) && name.Length > 11)
                    || (name.StartsWith("traits.", StringComparison.Ordinal) && name.Length > 7);
                if (!known)
                {
                    errors[$"{at}.field"] = [$"'{field}' is not a contact field; use {string.Join(", ", ContactFields.Order())} or attributes.<key>."];
                }

                if (condition.Operator is ConditionOperator.In && condition.Value is not { ValueKind: JsonValueKind.Array })
                {
                    errors[$"{at}.value"] = ["in needs an array value."];
                }
            }
            else if (condition.PriorEvent is null && condition.All is null && condition.Any is null)
            {
                errors[at] = ["A condition needs a field, a prior_event, or nested all/any."];
            }

            CheckConditions(condition.All, $"{at}.all", errors);
            CheckConditions(condition.Any, $"{at}.any", errors);
        }
    }

    /// <summary>Saved segment ids that don't exist (in this workspace), as errors.</summary>
    public static async Task CheckSegmentIdsAsync(HubDbContext db, List<Guid>? ids, string path, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(errors);
        if (ids is not { Count: > 0 })
        {
            return;
        }

        var found = await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            if (!found.Contains(id))
            {
                errors[$"{path}[{i}]"] = [$"Segment {id} was not found."];
            }
        }
    }
}
