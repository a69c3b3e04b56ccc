using Hub.Core.Notifications;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary>
/// A user's notification preferences (the spec's <c>PreferencesReplyMessage</c>, with WhatsApp and per-channel
/// consent added). <c>timezone</c> is the user's: quiet hours are in it. <c>updated_at</c> is null until the
/// preferences are first changed (until then they are the defaults).
/// </summary>
public sealed record PreferencesResponse(string UserId, PreferencesBody Preferences, string? Timezone, DateTimeOffset? UpdatedAt);

/// <summary>The preferences themselves, with every default filled in.</summary>
public sealed record PreferencesBody(
    bool EmailEnabled,
    bool SmsEnabled,
    bool PushEnabled,
    bool WhatsappEnabled,
    Dictionary<string, bool> Categories,
    QuietHoursBody QuietHours,
    Dictionary<string, ChannelConsent> Channels)
{
    public static PreferencesBody From(NotificationPreferences p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.EmailEnabled, p.SmsEnabled, p.PushEnabled, p.WhatsAppEnabled, p.Categories,
            new QuietHoursBody(p.QuietHoursEnabled, PreferenceChanges.Format(p.QuietHoursStart), PreferenceChanges.Format(p.QuietHoursEnd)),
            p.Channels);
    }
}

/// <summary>Quiet hours in the user's time zone, <c>HH:mm</c> (24h); <c>start</c> after <c>end</c> spans midnight.</summary>
public sealed record QuietHoursBody(bool Enabled, string? Start, string? End);

/// <summary>
/// <c>PUT /api/v1/users/{user_id}/preferences</c>: fields present replace, fields absent are kept; categories and
/// channels are merged key by key (a key set to null goes back to its default). A GET reply can be sent back as is.
/// </summary>
public sealed record UpdatePreferencesRequest
{
    /// <summary>Optional; when given it must match the URL.</summary>
    public string? UserId { get; init; }

    public PreferencesChange? Preferences { get; init; }

    /// <summary>Sets the user's time zone (IANA) too; an explicit null clears it (quiet hours are then in UTC).</summary>
    public string? Timezone { get; init { field = value; TimezoneGiven = true; } }

    /// <summary>Read-only: accepted so a GET reply can be sent back, and ignored.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    internal bool TimezoneGiven { get; private set; }
}

/// <summary>The preferences fields to change.</summary>
public sealed record PreferencesChange
{
    public bool? EmailEnabled { get; init; }

    public bool? SmsEnabled { get; init; }

    public bool? PushEnabled { get; init; }

    public bool? WhatsappEnabled { get; init; }

    /// <summary>Per category (<c>^[a-z0-9_-]{1,50}$</c>, at most 50): false opts out; null goes back to the default (allowed).</summary>
    public Dictionary<string, bool?>? Categories { get; init; }

    public QuietHoursChange? QuietHours { get; init; }

    /// <summary>Per channel (email, sms, whatsapp, push); null goes back to the default (reachable and subscribed).</summary>
    public Dictionary<string, ChannelConsentChange?>? Channels { get; init; }
}

/// <summary>Quiet hours to change; <c>start</c>/<c>end</c> are <c>HH:mm</c>, an explicit null clears one.</summary>
public sealed record QuietHoursChange
{
    public bool? Enabled { get; init; }

    public string? Start { get; init { field = value; StartGiven = true; } }

    public string? End { get; init { field = value; EndGiven = true; } }

    internal bool StartGiven { get; private set; }

    internal bool EndGiven { get; private set; }
}

/// <summary>Reachability and subscription on one channel; absent fields are kept.</summary>
public sealed record ChannelConsentChange(bool? Reachable, bool? Subscribed);
