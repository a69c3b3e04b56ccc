using System.Linq.Expressions;
using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>
/// One line of a campaign's send ledger: one contact in one run. Unique per (campaign, run, contact), written
/// before anything is sent, so a pause, a stop or a crash can always tell who still has to get the message and
/// who already has it. A row becomes <see cref="RecipientState.Queued"/> in the same transaction that writes
/// its message and outbox row: there is no moment where one exists without the other.
/// The state moves only through the methods below, each guarding its own move: a row still waiting (pending, or
/// deferred) is queued, sent as a push, skipped or deferred; a queued row is sent; a queued or sent one fails.
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
    public ChannelType? Channel { get; set; }

    /// <summary>The address the message went to.</summary>
    public string? Address { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Not sent yet and not given up on: pending, or deferred (for its quiet hours or an A/B winner).</summary>
    public static Expression<Func<CampaignRecipient, bool>> Unsent { get; } = r => r.State == RecipientState.Pending || r.State == RecipientState.Deferred;

    /// <summary>Waiting for its turn at <paramref name="now"/>: pending, or deferred to a time that has come.</summary>
    public static Expression<Func<CampaignRecipient, bool>> DueAt(DateTimeOffset now) =>
        r => r.State == RecipientState.Pending || (r.State == RecipientState.Deferred && r.NotBefore <= now);

    /// <summary>Whether the row still waits to be sent (see <see cref="Unsent"/>).</summary>
    public bool IsUnsent => State is RecipientState.Pending or RecipientState.Deferred;

    /// <summary>Its message and outbox row were written in this transaction: delivery has it now.</summary>
    public void Queue(Guid messageId, ChannelType channel, string? address, DateTimeOffset now)
    {
        EnsureUnsent(RecipientState.Queued);
        HandOver(RecipientState.Queued, messageId, channel, address, now);
        QueuedAt = now;
    }

    /// <summary>
    /// Sent at once, with no delivery step in between (a push notification: stored and on the user's stream in this
    /// transaction), or a queued message the provider accepted.
    /// </summary>
    public void Send(Guid messageId, ChannelType channel, string? address, DateTimeOffset now)
    {
        if (!IsUnsent && State != RecipientState.Queued)
        {
            throw Refused(RecipientState.Sent);
        }

        QueuedAt = IsUnsent ? now : QueuedAt;
        HandOver(RecipientState.Sent, messageId, channel, address, now);
        SentAt = now;
    }

    /// <summary>Not sent, on purpose: <paramref name="reason"/> is a <see cref="SkipReasons"/> code, the detail says it in words.</summary>
    public void Skip(string reason, string? detail, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureUnsent(RecipientState.Skipped);
        State = RecipientState.Skipped;
        Reason = reason;
        Detail = detail;
        UpdatedAt = now;
    }

    /// <summary>
    /// Waits until <paramref name="until"/> (the end of the contact's quiet hours), or with no time until it is let go
    /// (<see cref="HoldForWinner"/>). A due deferred row may be deferred again.
    /// </summary>
    public void Defer(string reason, string? detail, DateTimeOffset? until, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureUnsent(RecipientState.Deferred);
        State = RecipientState.Deferred;
        Reason = reason;
        Detail = detail;
        NotBefore = until;
        UpdatedAt = now;
    }

    /// <summary>Outside the A/B test cohort: waits, with no time set, until a winner is chosen for it.</summary>
    public void HoldForWinner(DateTimeOffset now) =>
        Defer(VariantSplit.HeldForWinner, "Outside the A/B test cohort: waits for the winning variant.", null, now);

    /// <summary>Delivery failed or bounced, after it was queued (or even after the provider took it).</summary>
    public void Fail(string reason, string? detail, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (State is not (RecipientState.Queued or RecipientState.Sent))
        {
            throw Refused(RecipientState.Failed);
        }

        State = RecipientState.Failed;
        Reason = reason;
        Detail = detail;
        FailedAt = now;
        UpdatedAt = now;
    }

    private void HandOver(RecipientState to, Guid messageId, ChannelType channel, string? address, DateTimeOffset now)
    {
        State = to;
        Reason = null;
        Detail = null;
        MessageId = messageId;
        Channel = channel;
        Address = address;
        UpdatedAt = now;
    }

    private void EnsureUnsent(RecipientState to)
    {
        if (!IsUnsent)
        {
            throw Refused(to);
        }
    }

    private InvalidOperationException Refused(RecipientState to) => new($"A {State.ToString().ToLowerInvariant()} campaign recipient can't become {to.ToString().ToLowerInvariant()}.");
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
