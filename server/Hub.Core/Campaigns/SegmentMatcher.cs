using System.Globalization;
using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Core.Rules;

namespace Hub.Core.Campaigns;

/// <summary>What the matcher knows about a contact beyond its row: its last activity and the events it sent.</summary>
/// <param name="LastActivityAt">The latest event or inbound message; null: never active.</param>
/// <param name="DidEvent">Whether the contact sent an event of this type within the window (<c>7d</c>; null: ever).</param>
public sealed record ContactFacts(DateTimeOffset? LastActivityAt, Func<string, string?, bool> DidEvent);

/// <summary>Decides whether one contact is in an audience (<see cref="SegmentFilter"/>). Pure: the caller loads the facts.</summary>
public static class SegmentMatcher
{
    public static bool Matches(Contact contact, ContactFacts facts, SegmentFilter filter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(filter);
        if (!contact.IsActive)
        {
            return false;
        }

        if (filter.UserSegments is { Count: > 0 } named && !named.Any(n => InNamed(contact, facts, n, now)))
        {
            return false;
        }

        if (filter.Language is { Count: > 0 } languages && !languages.Any(l => LanguageMatches(contact.Language, l)))
        {
            return false;
        }

        if (filter.Timezone is { Count: > 0 } zones && !zones.Contains(contact.TimeZone ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (filter.RegistrationDate is { } registered && !registered.Contains(contact.CreatedAt))
        {
            return false;
        }

        if (filter.LastActivity is { } active && !active.Contains(facts.LastActivityAt))
        {
            return false;
        }

        return filter.Conditions is not { } conditions
            || (conditions.All.All(c => Holds(contact, facts, c, now)) && (conditions.Any.Count == 0 || conditions.Any.Any(c => Holds(contact, facts, c, now))));
    }

    /// <summary>Whether the contact is in the named segment (definitions on <see cref="NamedSegments"/>).</summary>
    public static bool InNamed(Contact contact, ContactFacts facts, string name, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(facts);
        var plan = contact.Attributes.TryGetValue("plan", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var active = facts.LastActivityAt is { } at && at >= now - NamedSegments.Window;
        return name switch
        {
            NamedSegments.AllUsers => true,
            NamedSegments.NewUsers => contact.CreatedAt >= now - NamedSegments.Window,
            NamedSegments.ActiveUsers => active,
            NamedSegments.InactiveUsers => !active,
            NamedSegments.PremiumUsers => !string.IsNullOrWhiteSpace(plan) && !string.Equals(plan, "free", StringComparison.OrdinalIgnoreCase),
            NamedSegments.FreeUsers => string.IsNullOrWhiteSpace(plan) || string.Equals(plan, "free", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    /// <summary>The events (type, window) a filter asks about, so the caller can load them for a batch at once.</summary>
    public static IEnumerable<(string EventType, string? Within)> EventTests(SegmentFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.Conditions is null ? [] : filter.Conditions.All.Concat(filter.Conditions.Any).SelectMany(Flatten)
            .Where(c => c.PriorEvent is not null).Select(c => (c.PriorEvent!, c.Within)).Distinct();
    }

    /// <summary>Whether the filter needs last activity (so the caller loads it only then).</summary>
    public static bool NeedsActivity(SegmentFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.LastActivity is not null
            || filter.UserSegments?.Any(n => n is NamedSegments.ActiveUsers or NamedSegments.InactiveUsers) == true
            || (filter.Conditions is { } c && c.All.Concat(c.Any).SelectMany(Flatten).Any(x => FieldName(x.Field) == "last_activity_at"));
    }

    private static IEnumerable<RuleCondition> Flatten(RuleCondition condition) =>
        new[] { condition }.Concat((condition.All ?? []).Concat(condition.Any ?? []).SelectMany(Flatten));

    private static bool Holds(Contact contact, ContactFacts facts, RuleCondition condition, DateTimeOffset now)
    {
        if (condition.All is { } all && !all.All(c => Holds(contact, facts, c, now)))
        {
            return false;
        }

        if (condition.Any is { Count: > 0 } any && !any.Any(c => Holds(contact, facts, c, now)))
        {
            return false;
        }

        if (condition.PriorEvent is { } eventType)
        {
            return facts.DidEvent(eventType, condition.Within) != condition.Absent;
        }

        if (condition.Field is null)
        {
            return true;
        }

        var value = Field(contact, facts, condition.Field);
        var op = condition.Operator ?? ConditionOperator.Equals;
        var expected = condition.Value;
        return op switch
        {
            ConditionOperator.Exists => (value is not null) == (expected is not { ValueKind: JsonValueKind.False }),
            ConditionOperator.Equals => value is not null && expected is { } e && Same(value, e, now),
            ConditionOperator.NotEquals => value is null || expected is not { } ne || !Same(value, ne, now),
            ConditionOperator.In => value is not null && expected is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(x => Same(value, x, now)),
            ConditionOperator.Contains => value is string s && expected is { ValueKind: JsonValueKind.String } sub && s.Contains(sub.GetString()!, StringComparison.OrdinalIgnoreCase),
            ConditionOperator.Gt => Compare(value, expected, now) > 0,
            ConditionOperator.Lt => Compare(value, expected, now) is < 0 and not int.MinValue,
            _ => false,
        };
    }

    private static string FieldName(string? field) =>
        field is null ? string.Empty
        : field.StartsWith("user.", StringComparison.Ordinal) ? field[5..]
        : field.StartsWith("contact.", StringComparison.Ordinal) ? field[8..]
        : field;

    /// <summary>The field's value: a string, a number (double), a bool, a date (DateTimeOffset) or null.</summary>
    private static object? Field(Contact contact, ContactFacts facts, string field)
    {
        var name = FieldName(field);
        if (name.StartsWith("attributes.", StringComparison.Ordinal) || name.StartsWith("traits.", StringComparison.Ordinal))
        {
            var key = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
            return contact.Attributes.TryGetValue(key, out var a) ? Plain(a) : null;
        }

        return name switch
        {
            "email" => contact.Email,
            "phone" => contact.Phone,
            "language" => contact.Language,
            "timezone" => contact.TimeZone,
            "external_id" or "user_id" => contact.ExternalId,
            "first_name" => contact.FirstName,
            "last_name" => contact.LastName,
            "is_active" => contact.IsActive,
            "created_at" or "registration_date" => contact.CreatedAt,
            "last_activity_at" or "last_activity" => facts.LastActivityAt,
            _ => null,
        };
    }

    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element.GetRawText(),
    };

    private static bool Same(object value, JsonElement expected, DateTimeOffset now) => value switch
    {
        string s => expected.ValueKind == JsonValueKind.String && string.Equals(s, expected.GetString(), StringComparison.OrdinalIgnoreCase),
        double d => expected.ValueKind == JsonValueKind.Number && expected.GetDouble().Equals(d),
        bool b => expected.ValueKind is JsonValueKind.True or JsonValueKind.False && expected.GetBoolean() == b,
        DateTimeOffset t => AsMoment(expected, now) is { } m && m == t,
        _ => false,
    };

    /// <summary>Compares; <see cref="int.MinValue"/> when the two can't be compared (so neither gt nor lt holds).</summary>
    private static int Compare(object? value, JsonElement? expected, DateTimeOffset now)
    {
        if (value is null || expected is not { } e)
        {
            return int.MinValue;
        }

        return value switch
        {
            double d when e.ValueKind == JsonValueKind.Number => d.CompareTo(e.GetDouble()),
            string s when e.ValueKind == JsonValueKind.Number && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n.CompareTo(e.GetDouble()),
            string s when e.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var st)
                && AsMoment(e, now) is { } sm => st.CompareTo(sm),
            string s when e.ValueKind == JsonValueKind.String => Math.Sign(string.Compare(s, e.GetString(), StringComparison.Ordinal)),
            DateTimeOffset t when AsMoment(e, now) is { } m => t.CompareTo(m),
            _ => int.MinValue,
        };
    }

    /// <summary>An ISO date/time, or a duration back from now (<c>30d</c> = 30 days ago).</summary>
    public static DateTimeOffset? AsMoment(JsonElement element, DateTimeOffset now)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = element.GetString();
        if (RuleDuration.TryParse(text, out var back))
        {
            return now - back;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    private static bool LanguageMatches(string? language, string wanted) =>
        language is not null && (string.Equals(language, wanted, StringComparison.OrdinalIgnoreCase)
            || language.StartsWith(wanted + "-", StringComparison.OrdinalIgnoreCase));
}
