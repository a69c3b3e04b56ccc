using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Core.Notifications;
using Hub.Server.Modules.Contacts.Api;
namespace Hub.Server.Modules.Contacts;

/// <summary>
/// Applies a preferences PUT to a user's current preferences: validates it (errors keyed by field path, e.g.
/// <c>preferences.quiet_hours.start</c>), merges it, and says what changed, before and after.
/// </summary>
public static partial class PreferenceChanges
{
    public const int MaxCategories = 50;

    /// <summary>The categories every user has, on, until they opt out.</summary>
    public static readonly IReadOnlyList<string> DefaultCategories = ["marketing", "security", "updates"];

    public static readonly IReadOnlyList<string> ChannelNames = ["email", "sms", "whatsapp", "push"];

    /// <summary>The outcome: the merged preferences and time zone, or the errors; and the changed paths.</summary>
    public sealed record Result(
        NotificationPreferences? Preferences, string? Timezone, Dictionary<string, string[]>? Errors, Dictionary<string, JsonElement> Event, int ChangeCount);

    /// <summary>The preferences in force: the stored ones (or the defaults) with every default category and channel filled in.</summary>
    public static NotificationPreferences Effective(NotificationPreferences? stored, Guid contactId)
    {
        var p = new NotificationPreferences { ContactId = contactId };
        if (stored is not null)
        {
            p.WorkspaceId = stored.WorkspaceId;
            p.EmailEnabled = stored.EmailEnabled;
            p.SmsEnabled = stored.SmsEnabled;
            p.PushEnabled = stored.PushEnabled;
            p.WhatsAppEnabled = stored.WhatsAppEnabled;
            p.QuietHoursEnabled = stored.QuietHoursEnabled;
            p.QuietHoursStart = stored.QuietHoursStart;
            p.QuietHoursEnd = stored.QuietHoursEnd;
            p.UpdatedAt = stored.UpdatedAt;
        }

        foreach (var category in DefaultCategories)
        {
            p.Categories[category] = true;
        }

        foreach (var (category, wanted) in stored?.Categories ?? [])
        {
            p.Categories[category] = wanted;
        }

        foreach (var channel in ChannelNames)
        {
            p.Channels[channel] = stored?.Channels.GetValueOrDefault(channel) ?? new ChannelConsent();
        }

        return p;
    }

    /// <summary>Applies <paramref name="request"/> to a copy of <paramref name="current"/> (already <see cref="Effective"/>).</summary>
    public static Result Apply(NotificationPreferences current, string? timezone, UpdatePreferencesRequest request)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var next = Effective(current, current.ContactId);
        var nextZone = timezone;
        if (request.TimezoneGiven)
        {
            if (request.Timezone is not null && ContactRules.Check(request.Timezone, null) is { } zoneErrors)
            {
                errors["timezone"] = zoneErrors["timezone"];
            }

            nextZone = request.Timezone;
        }

        if (request.Preferences is { } change)
        {
            next.EmailEnabled = change.EmailEnabled ?? next.EmailEnabled;
            next.SmsEnabled = change.SmsEnabled ?? next.SmsEnabled;
            next.PushEnabled = change.PushEnabled ?? next.PushEnabled;
            next.WhatsAppEnabled = change.WhatsappEnabled ?? next.WhatsAppEnabled;
            MergeCategories(next, change.Categories, errors);
            MergeChannels(next, change.Channels, errors);
            MergeQuietHours(next, change.QuietHours, errors);
        }

        if (errors.Count > 0)
        {
            return new(null, null, errors, [], 0);
        }

        var before = Flatten(current, timezone);
        var after = Flatten(next, nextZone);
        var changed = after.Keys.Union(before.Keys).Where(k => !Equals(before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .Order(StringComparer.Ordinal).ToList();
        var properties = new Dictionary<string, JsonElement>
        {
            ["changed"] = JsonSerializer.SerializeToElement(changed),
            ["before"] = Nest(changed, before),
            ["after"] = Nest(changed, after),
        };
        return new(next, nextZone, null, properties, changed.Count);
    }

    private static void MergeCategories(NotificationPreferences next, Dictionary<string, bool?>? categories, Dictionary<string, string[]> errors)
    {
        if (categories is null)
        {
            return;
        }

        var bad = categories.Keys.Where(k => !CategoryKey().IsMatch(k)).ToList();
        if (bad.Count > 0)
        {
            errors["preferences.categories"] =
                [.. bad.Select(k => $"'{k}' is not a valid category: use 1 to 50 of a-z, 0-9, '_' and '-'.")];
            return;
        }

        foreach (var (category, wanted) in categories)
        {
            if (wanted is { } value)
            {
                next.Categories[category] = value;
            }
            else if (DefaultCategories.Contains(category))
            {
                next.Categories[category] = true;
            }
            else
            {
                next.Categories.Remove(category);
            }
        }

        if (next.Categories.Count > MaxCategories)
        {
            errors["preferences.categories"] = [$"At most {MaxCategories} categories (the defaults included)."];
        }
    }

    private static void MergeChannels(NotificationPreferences next, Dictionary<string, ChannelConsentChange?>? channels, Dictionary<string, string[]> errors)
    {
        foreach (var (channel, consent) in channels ?? [])
        {
            if (!ChannelNames.Contains(channel))
            {
                errors[$"preferences.channels.{channel}"] = [$"'{channel}' is not a channel: use email, sms, whatsapp or push."];
                continue;
            }

            var current = next.Channels[channel];
            next.Channels[channel] = consent is null
                ? new ChannelConsent()
                : new ChannelConsent(consent.Reachable ?? current.Reachable, consent.Subscribed ?? current.Subscribed);
        }
    }

    private static void MergeQuietHours(NotificationPreferences next, QuietHoursChange? quiet, Dictionary<string, string[]> errors)
    {
        if (quiet is null)
        {
            return;
        }

        next.QuietHoursEnabled = quiet.Enabled ?? next.QuietHoursEnabled;
        if (quiet.StartGiven)
        {
            next.QuietHoursStart = ParseTime(quiet.Start, "preferences.quiet_hours.start", errors);
        }

        if (quiet.EndGiven)
        {
            next.QuietHoursEnd = ParseTime(quiet.End, "preferences.quiet_hours.end", errors);
        }

        if (errors.Count > 0 || !next.QuietHoursEnabled)
        {
            return;
        }

        if (next.QuietHoursStart is null)
        {
            errors["preferences.quiet_hours.start"] = ["Quiet hours that are enabled need a start (HH:mm)."];
        }

        if (next.QuietHoursEnd is null)
        {
            errors["preferences.quiet_hours.end"] = ["Quiet hours that are enabled need an end (HH:mm)."];
        }
        else if (next.QuietHoursStart == next.QuietHoursEnd)
        {
            errors["preferences.quiet_hours.end"] = ["Quiet hours must end at another time than they start."];
        }
    }

    private static TimeOnly? ParseTime(string? value, string path, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (!TimeOfDay().IsMatch(value))
        {
            errors[path] = [$"'{value}' is not a time of day in 24-hour HH:mm form, e.g. 22:00."];
            return null;
        }

        return TimeOnly.ParseExact(value, "HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary><c>HH:mm</c>, as the API writes times; null stays null.</summary>
    public static string? Format(TimeOnly? time) => time?.ToString("HH:mm", CultureInfo.InvariantCulture);

    // Every leaf by its path, so a diff is a comparison of two flat maps.
    private static Dictionary<string, object?> Flatten(NotificationPreferences p, string? timezone)
    {
        var flat = new Dictionary<string, object?>
        {
            ["email_enabled"] = p.EmailEnabled,
            ["sms_enabled"] = p.SmsEnabled,
            ["push_enabled"] = p.PushEnabled,
            ["whatsapp_enabled"] = p.WhatsAppEnabled,
            ["quiet_hours.enabled"] = p.QuietHoursEnabled,
            ["quiet_hours.start"] = Format(p.QuietHoursStart),
            ["quiet_hours.end"] = Format(p.QuietHoursEnd),
            ["timezone"] = timezone,
        };
        foreach (var (category, wanted) in p.Categories)
        {
            flat[$"categories.{category}"] = wanted;
        }

        foreach (var (channel, consent) in p.Channels)
        {
            flat[$"channels.{channel}.reachable"] = consent.Reachable;
            flat[$"channels.{channel}.subscribed"] = consent.Subscribed;
        }

        return flat;
    }

    // {"quiet_hours": {"start": "22:00"}} from ["quiet_hours.start"], so rules can test properties.after.quiet_hours.start.
    private static JsonElement Nest(List<string> paths, Dictionary<string, object?> values)
    {
        var root = new JsonObject();
        foreach (var path in paths)
        {
            var parts = path.Split('.');
            var node = root;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = [];
                    node[part] = child;
                }

                node = child;
            }

            node[parts[^1]] = values.GetValueOrDefault(path) switch
            {
                bool b => JsonValue.Create(b),
                string s => JsonValue.Create(s),
                _ => null,
            };
        }

        return JsonSerializer.SerializeToElement(root);
    }

    [GeneratedRegex("^[a-z0-9_-]{1,50}$")]
    private static partial Regex CategoryKey();

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex TimeOfDay();
}
