namespace Hub.Core.Analytics;

/// <summary>The analytics families (the spec's channels) and the event types Hub records itself.</summary>
public static class AnalyticsEventTypes
{
    public const string CampaignFamily = "campaign.analytics";
    public const string NotificationFamily = "notification.analytics";
    public const string UserFamily = "user.analytics";
    public const string InboxFamily = "inbox.analytics";
    public const string SystemFamily = "system.analytics";

    /// <summary>Customers' own events (<c>POST /api/v1/events</c>).</summary>
    public const string CustomFamily = "events.analytics";

    public const string CampaignCreated = "campaign_created";
    public const string CampaignExecuted = "campaign_executed";
    public const string CampaignCompleted = "campaign_completed";
    public const string CampaignFailed = "campaign_failed";
    public const string NotificationSent = "notification_sent";
    public const string NotificationOpened = "notification_opened";
    public const string NotificationClicked = "notification_clicked";
    public const string MessageReceived = "message_received";
    public const string MessageSent = "message_sent";
    public const string MessageFailed = "message_failed";
    public const string MessageBounced = "message_bounced";
    public const string FirstResponse = "first_response";
    public const string ConversationResolved = "conversation_resolved";
    public const string SlaBreached = "sla_breached";

    /// <summary>A contact's answer to the CSAT survey; the value is the score (1–5).</summary>
    public const string CsatResponse = "csat_response";
    public const string RuleError = "rule_error";

    /// <summary>Hub's own user events, recorded in <c>user.analytics</c>.</summary>
    public static readonly IReadOnlySet<string> UserEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "user_registered", "user_logged_in", "profile_updated", "preferences_changed", "account_deleted", "unsubscribed",
    };

    /// <summary>Event types that count as errors for <c>error_rate</c>.</summary>
    public static readonly IReadOnlySet<string> Errors = new HashSet<string>(StringComparer.Ordinal)
    {
        MessageFailed, MessageBounced, RuleError, CampaignFailed,
    };
}
