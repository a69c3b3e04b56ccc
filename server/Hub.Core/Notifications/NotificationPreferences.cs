using Hub.Core.Workspaces;

namespace Hub.Core.Notifications;

/// <summary>
/// What one user (a contact) agreed to receive, and when: the spec's notification preferences. One row per
/// contact, created on first write; a contact without a row has the defaults (everything on, no quiet hours).
/// </summary>
public sealed class NotificationPreferences : IWorkspaceOwned
{
    /// <summary>The contact these preferences belong to (also the key: one row per contact).</summary>
    public Guid ContactId { get; set; }

    public Guid WorkspaceId { get; set; }

    public bool EmailEnabled { get; set; } = true;

    public bool SmsEnabled { get; set; } = true;

    public bool PushEnabled { get; set; } = true;

    public bool WhatsAppEnabled { get; set; } = true;

    /// <summary>
    /// Per category (<c>marketing</c>, <c>security</c>, <c>updates</c> and the workspace's own): false is an
    /// opt-out. A category not listed is allowed.
    /// </summary>
    public Dictionary<string, bool> Categories { get; set; } = [];

    public bool QuietHoursEnabled { get; set; }

    /// <summary>Local time (in the contact's time zone) quiet hours start; may be after <see cref="QuietHoursEnd"/> (overnight).</summary>
    public TimeOnly? QuietHoursStart { get; set; }

    public TimeOnly? QuietHoursEnd { get; set; }

    /// <summary>
    /// Per channel (<c>email</c>, <c>sms</c>, <c>whatsapp</c>, <c>push</c>): whether Hub can reach the user
    /// there (a hard bounce makes it false) and whether they are subscribed. A channel not listed is both.
    /// </summary>
    public Dictionary<string, ChannelConsent> Channels { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Reachability and subscription on one channel (the spec's <c>email_preferences</c> and friends).</summary>
public sealed record ChannelConsent(bool Reachable = true, bool Subscribed = true);
