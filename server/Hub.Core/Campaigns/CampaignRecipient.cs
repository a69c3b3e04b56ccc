using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>
/// One line of a campaign's send ledger: one contact in one run. Unique per (campaign, run, contact), written
/// before anything is sent, so a pause, a stop or a crash can always tell who still has to get the message and
/// who already has it. A row becomes <see cref="RecipientState.Queued"/> in the same transaction that writes
/// its message and outbox row: there is no moment where one exists without the other.
/// </summary>
public sealed class CampaignRecipient : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid CampaignId { get; set; }

    /// <summary>The run (1 for a one-off campaign; recurring campaigns count up).</summary>
    public int Run { get; set; } = 1;

    public Guid ContactId { get; set; }

    /// <summary>The A/B variant's name; null when the campaign has no variants.</summary>
    public string? Variant { get; set; }

    public RecipientState State { get; set; } = RecipientState.Pending;

    /// <summary>Why the row was skipped, deferred or failed (<see cref="SkipReasons"/>).</summary>
    public string? Reason { get; set; }

    /// <summary>The reason in words, for the marketer.</summary>
    public string? Detail { get; set; }

    /// <summary>A deferred row is not sent before this (the end of the contact's quiet hours).</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>The message queued for this recipient (for push, the notification).</summary>
    public Guid? MessageId { get; set; }

    /// <summary>The channel the recipient gets the message on (for multi-channel campaigns, the one chosen for them).</summary>
    public Channels.ChannelType? Channel { get; set; }

    /// <summary>The address the message went to.</summary>
    public string? Address { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? FailedAt { get; set; }
}

/// <summary>Where one recipient stands.</summary>
public enum RecipientState
{
    /// <summary>In the audience, not sent yet.</summary>
    Pending,

    /// <summary>Its message and outbox row are written; delivery has it.</summary>
    Queued,

    /// <summary>The provider accepted the message.</summary>
    Sent,

    /// <summary>Delivery failed or bounced.</summary>
    Failed,

    /// <summary>Not sent, on purpose; <see cref="CampaignRecipient.Reason"/> says why.</summary>
    Skipped,

    /// <summary>Waiting for the end of the contact's quiet hours (<see cref="CampaignRecipient.NotBefore"/>).</summary>
    Deferred,
}

/// <summary>The reason codes of skipped, deferred and failed ledger rows.</summary>
public static class SkipReasons
{
    public const string NoAddress = "no_address";
    public const string Unsubscribed = "unsubscribed";
    public const string Preferences = "preferences";
    public const string CategoryOptOut = "category_opt_out";
    public const string Suppressed = "suppressed";
    public const string Bounced = "bounced";
    public const string QuietHoursDeferred = "quiet_hours_deferred";
    public const string FrequencyCap = "frequency_cap";
    public const string NoChannel = "no_channel";
    public const string Cancelled = "cancelled";
    public const string DeliveryFailed = "delivery_failed";

    /// <summary>Maps a <see cref="Notifications.PreferencePolicy"/> verdict code to a ledger reason.</summary>
    public static string FromPreference(string code) => code switch
    {
        "channel_disabled" => Preferences,
        "unreachable" => Bounced,
        "unsubscribed" => Unsubscribed,
        "category_opt_out" => CategoryOptOut,
        "quiet_hours" => QuietHoursDeferred,
        _ => code,
    };
}
