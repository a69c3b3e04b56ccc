using System.Globalization;
using System.Text.Json;
using Hub.Core.Contacts;

namespace Hub.Core.Rules;

/// <summary>
/// What a rule's conditions are tested against: the event, its sender's view of the user (traits), the stored
/// contact, and, per event type the conditions ask about, when the user last sent one before this event.
/// </summary>
/// <param name="Properties">The event's properties (<c>properties.*</c>).</param>
/// <param name="Traits">The user traits sent with the event (<c>traits.*</c>, falling back to the contact).</param>
/// <param name="Contact">The stored user (<c>user.*</c>); null when the user id resolves to no contact.</param>
/// <param name="OccurredAt">When the event happened.</param>
/// <param name="LatestPriorEvents">Per event type, the latest such event of this user strictly before <paramref name="OccurredAt"/>.</param>
public sealed record ConditionSubject(
    IReadOnlyDictionary<string, JsonElement> Properties,
    IReadOnlyDictionary<string, JsonElement> Traits,
    Contact? Contact,
    DateTimeOffset OccurredAt,
    IReadOnlyDictionary<string, DateTimeOffset> LatestPriorEvents);

/// <summary>The verdict on a rule's conditions; <see cref="Why"/> says, in words, which condition did not hold.</summary>
public sealed record ConditionResult(bool Holds, string? Why)
{
    public static readonly ConditionResult True = new(true, null);

    public static ConditionResult False(string why) => new(false, why);
}

/// <summary>
/// Tests rule conditions, with no I/O: <c>all</c> must all hold, and at least one of <c>any</c> when it has items.
/// Values compare as JSON (numbers numerically, strings case-sensitively); a missing field fails every operator
/// except <c>not_equals</c> and <c>exists: false</c>.
/// </summary>
public static class ConditionEvaluator
{
    private static readonly string[] UserFields = ["email", "phone", "first_name", "last_name", "timezone", "language", "is_active"];

    public static ConditionResult Evaluate(RuleConditions conditions, ConditionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(subject);
        return Group(conditions.All, conditions.Any, subject);
    }

    /// <summary>The event types the conditions ask about (<c>prior_event</c>), so the caller can look them up in one query.</summary>
    public static IReadOnlySet<string> PriorEventTypes(RuleConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var types = new HashSet<string>(StringComparer.Ordinal);
        void Walk(IEnumerable<RuleCondition>? items)
        {
            foreach (var c in items ?? [])
            {
                if (c.PriorEvent is { } type)
                {
                    types.Add(type);
                }

                Walk(c.All);
                Walk(c.Any);
            }
        }

        Walk(conditions.All);
        Walk(conditions.Any);
        return types;
    }

    private static ConditionResult Group(List<RuleCondition>? all, List<RuleCondition>? any, ConditionSubject subject)
    {
        foreach (var condition in all ?? [])
        {
            var result = One(condition, subject);
            if (!result.Holds)
            {
                return result;
            }
        }

        if (any is { Count: > 0 })
        {
            var failures = new List<string>();
            foreach (var condition in any)
            {
                var result = One(condition, subject);
                if (result.Holds)
                {
                    return ConditionResult.True;
                }

                failures.Add(result.Why ?? "false");
            }

            return ConditionResult.False($"none of any held: {string.Join("; ", failures)}");
        }

        return ConditionResult.True;
    }

    private static ConditionResult One(RuleCondition condition, ConditionSubject subject)
    {
        if (condition.PriorEvent is { } type)
        {
            return PriorEvent(condition, type, subject);
        }

        if (condition.Field is null)
        {
            return Group(condition.All, condition.Any, subject);
        }

        var actual = Resolve(condition.Field, subject);
        var op = condition.Operator ?? ConditionOperator.Equals;
        var holds = Test(op, actual, condition.Value);
        if (holds)
        {
            return ConditionResult.True;
        }

        var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(op.ToString());
        return actual is null && op is not (ConditionOperator.Exists or ConditionOperator.NotEquals)
            ? ConditionResult.False($"{condition.Field} is missing")
            : ConditionResult.False(op == ConditionOperator.Exists
                ? $"{condition.Field} exists {condition.Value?.GetRawText() ?? "true"} was false"
                : $"{condition.Field} {name} {condition.Value?.GetRawText() ?? "null"} was false");
    }

    private static ConditionResult PriorEvent(RuleCondition condition, string type, ConditionSubject subject)
    {
        TimeSpan? within = condition.Within is { } w ? RuleDuration.Parse(w) : null;
        var found = subject.LatestPriorEvents.TryGetValue(type, out var latest) && latest < subject.OccurredAt
            && (within is not { } span || latest >= subject.OccurredAt - span);
        var window = condition.Within is null ? "before" : $"within {condition.Within} before";
        if (condition.Absent)
        {
            return found ? ConditionResult.False($"a {type} {window} exists") : ConditionResult.True;
        }

        return found ? ConditionResult.True : ConditionResult.False($"no {type} {window}");
    }

    private static bool Test(ConditionOperator op, JsonElement? actual, JsonElement? expected) => op switch
    {
        ConditionOperator.Exists => (actual is { ValueKind: not JsonValueKind.Null }) == (expected is not { ValueKind: JsonValueKind.False }),
        ConditionOperator.Equals => actual is { } a && expected is { } e && JsonEquals(a, e),
        ConditionOperator.NotEquals => !(actual is { } a && expected is { } e && JsonEquals(a, e)),
        ConditionOperator.In => actual is { } a && expected is { ValueKind: JsonValueKind.Array } list && list.EnumerateArray().Any(item => JsonEquals(a, item)),
        ConditionOperator.Gt => actual is { } a && expected is { } e && Compare(a, e) is > 0,
        ConditionOperator.Lt => actual is { } a && expected is { } e && Compare(a, e) is < 0,
        ConditionOperator.Contains => actual is { } a && expected is { } e && Contains(a, e),
        _ => false,
    };

    /// <summary>JSON value equality: numbers by value (1 == 1.0), strings ordinal, arrays and objects member by member.</summary>
    public static bool JsonEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x == y : a.GetDouble().Equals(b.GetDouble());
        }

        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.String => string.Equals(a.GetString(), b.GetString(), StringComparison.Ordinal),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => true,
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEquals(p.First, p.Second)),
            JsonValueKind.Object => ObjectEquals(a, b),
            _ => false,
        };
    }

    private static bool ObjectEquals(JsonElement a, JsonElement b)
    {
        var left = a.EnumerateObject().ToList();
        var right = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Name, out var v) && JsonEquals(p.Value, v));
    }

    /// <summary>Numbers numerically, ISO 8601 date-times chronologically; null when the two cannot be ordered.</summary>
    private static int? Compare(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x.CompareTo(y) : a.GetDouble().CompareTo(b.GetDouble());
        }

        if (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(a.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var da)
            && DateTimeOffset.TryParse(b.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var db))
        {
            return da.CompareTo(db);
        }

        return null;
    }

    private static bool Contains(JsonElement actual, JsonElement expected) => actual.ValueKind switch
    {
        JsonValueKind.String => expected.ValueKind == JsonValueKind.String && actual.GetString()!.Contains(expected.GetString()!, StringComparison.Ordinal),
        JsonValueKind.Array => actual.EnumerateArray().Any(item => JsonEquals(item, expected)),
        _ => false,
    };

    /// <summary>The value a field names, or null when it is not there.</summary>
    public static JsonElement? Resolve(string field, ConditionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(subject);
        var parts = field.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        var path = parts.AsSpan(2);
        switch (parts[0])
        {
            case "properties":
                return subject.Properties.TryGetValue(parts[1], out var p) ? Walk(p, path) : null;
            case "traits":
                if (subject.Traits.TryGetValue(parts[1], out var t))
                {
                    return Walk(t, path);
                }

                if (subject.Contact is { } c && c.Attributes.TryGetValue(parts[1], out var attribute))
                {
                    return Walk(attribute, path);
                }

                return path.Length == 0 && UserFields.Contains(parts[1]) ? UserField(subject.Contact, parts[1]) : null;
            case "user" when parts[1] == "attributes" && parts.Length >= 3:
                return subject.Contact is { } contact && contact.Attributes.TryGetValue(parts[2], out var a) ? Walk(a, parts.AsSpan(3)) : null;
            case "user" when parts.Length == 2:
                return UserField(subject.Contact, parts[1]);
            default:
                return null;
        }
    }

    private static JsonElement? Walk(JsonElement value, ReadOnlySpan<string> path)
    {
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return null;
            }
        }

        return value;
    }

    private static JsonElement? UserField(Contact? contact, string name)
    {
        if (contact is null)
        {
            return null;
        }

        object? value = name switch
        {
            "email" => contact.Email,
            "phone" => contact.Phone,
            "first_name" => contact.FirstName,
            "last_name" => contact.LastName,
            "timezone" => contact.TimeZone,
            "language" => contact.Language,
            "is_active" => contact.IsActive,
            _ => null,
        };
        return value is null ? null : JsonSerializer.SerializeToElement(value);
    }
}
