namespace Hub.Core.Notifications;

/// <summary>What a user's preferences say about one message on one channel at one moment.</summary>
public enum PreferenceVerdictKind
{
    Allowed,

    /// <summary>Not now: quiet hours. <see cref="PreferenceVerdict.Until"/> says when.</summary>
    Deferred,

    /// <summary>Not on this channel (off, opted out, unsubscribed, unreachable).</summary>
    Blocked,
}

/// <summary>The verdict, with a machine code (<c>channel_disabled</c>, <c>unreachable</c>, <c>unsubscribed</c>,
/// <c>category_opt_out</c>, <c>quiet_hours</c>) and a reason in words for the audit.</summary>
public sealed record PreferenceVerdict(PreferenceVerdictKind Kind, string Code, string Reason, DateTimeOffset? Until = null)
{
    public static readonly PreferenceVerdict Allowed = new(PreferenceVerdictKind.Allowed, "allowed", "Preferences allow it.");

    public bool IsAllowed => Kind == PreferenceVerdictKind.Allowed;
}

/// <summary>
/// The one place preferences are applied (rules, push fallback and campaigns all ask it). Critical categories
/// (security by default) go through quiet hours, category opt-outs and unsubscribes; a channel the user turned
/// off or that cannot reach them still blocks. Marketing is never critical.
/// </summary>
public static class PreferencePolicy
{
    public const string Marketing = "marketing";

    /// <param name="preferences">The user's preferences; null means the defaults (everything allowed).</param>
    /// <param name="channel"><c>email</c>, <c>sms</c>, <c>whatsapp</c> or <c>push</c>.</param>
    /// <param name="category">The message's category (<c>marketing</c>, <c>security</c>, <c>updates</c>…).</param>
    /// <param name="critical">Whether the category is one of the workspace's critical ones.</param>
    /// <param name="zone">The user's time zone (quiet hours are local).</param>
    /// <param name="now">The moment of sending.</param>
    public static PreferenceVerdict Check(
        NotificationPreferences? preferences, string channel, string category, bool critical, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(zone);
        if (preferences is null)
        {
            return PreferenceVerdict.Allowed;
        }

        critical &= !string.Equals(category, Marketing, StringComparison.OrdinalIgnoreCase);
        channel = channel.ToLowerInvariant();
        var enabled = channel switch
        {
            "email" => preferences.EmailEnabled,
            "sms" => preferences.SmsEnabled,
            "whatsapp" => preferences.WhatsAppEnabled,
            "push" => preferences.PushEnabled,
            _ => true,
        };
        if (!enabled)
        {
            return new(PreferenceVerdictKind.Blocked, "channel_disabled", $"The user turned {channel} off in their preferences.");
        }

        var consent = preferences.Channels.GetValueOrDefault(channel) ?? new ChannelConsent();
        if (!consent.Reachable)
        {
            return new(PreferenceVerdictKind.Blocked, "unreachable", $"The user cannot be reached by {channel} (marked unreachable).");
        }

        if (!critical && !consent.Subscribed)
        {
            return new(PreferenceVerdictKind.Blocked, "unsubscribed", $"The user is unsubscribed from {channel}.");
        }

        if (!critical && preferences.Categories.TryGetValue(category, out var wanted) && !wanted)
        {
            return new(PreferenceVerdictKind.Blocked, "category_opt_out", $"The user opted out of '{category}' messages.");
        }

        if (!critical && QuietHoursEnd(preferences, zone, now) is { } end)
        {
            return new(PreferenceVerdictKind.Deferred, "quiet_hours",
                $"Quiet hours ({preferences.QuietHoursStart:HH\\:mm}–{preferences.QuietHoursEnd:HH\\:mm} {zone.Id}): deferred to {end:u}.", end);
        }

        return PreferenceVerdict.Allowed;
    }

    /// <summary>When the quiet hours <paramref name="now"/> falls in end (UTC); null when it falls in none.</summary>
    public static DateTimeOffset? QuietHoursEnd(NotificationPreferences preferences, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        if (!preferences.QuietHoursEnabled || preferences.QuietHoursStart is not { } start || preferences.QuietHoursEnd is not { } end || start == end)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = start < end ? time >= start && time < end : time >= start || time < end;
        if (!inside)
        {
            return null;
        }

        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (time >= end)
        {
            endDate = endDate.AddDays(1); // overnight window, evening side: it ends tomorrow morning
        }

        var endLocal = endDate.ToDateTime(end, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(30); // the end fell into a spring-forward gap: the first valid time after it
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(endLocal, zone), TimeSpan.Zero);
    }
}
