namespace Hub.Core.Realtime;

/// <summary>
/// Event names on the wire, as in the product's WebSocket spec. Server → client names are the SignalR
/// client method names; client → server names are the hub method names.
/// </summary>
public static class RealtimeEventNames
{
    // Server → client, sequenced (kept in the stream, replayed on resume).
    public const string MessageReceived = "message.received";
    public const string MessageUpdated = "message.updated";
    public const string ConversationUpdated = "conversation.updated";
    public const string NotificationPush = "notification.push";
    public const string SlaWarning = "inbox.sla.warning";
    public const string SlaBreach = "inbox.sla.breach";

    // Server → client, ephemeral (never stored).

    /// <summary>To a campaign's watchers: its status and progress (aggregated, a few a second at most).</summary>
    public const string CampaignStatus = "campaign.status";

    /// <summary>To a campaign's watchers: opens, clicks, sends… since the last update, and A/B decisions.</summary>
    public const string CampaignAnalytics = "campaign.analytics";
    public const string TypingIndicator = "typing.indicator";
    public const string PresenceChanged = "presence.changed";
    public const string ConversationViewers = "conversation.viewers";

    /// <summary>To the workspace's agents: an analytics alert was raised or cleared.</summary>
    public const string AnalyticsAlert = "analytics.alert";

    /// <summary>To one member: they were @mentioned in a private note.</summary>
    public const string Mention = "inbox.mention";

    /// <summary>The server tells the client it is too far behind to catch up from the stream.</summary>
    public const string Resync = "stream.resync";

    // Client → server.
    public const string MessageSend = "message.send";
    public const string MessageRead = "message.read";
    public const string TypingStart = "typing.start";
    public const string TypingStop = "typing.stop";
    public const string PresenceUpdate = "presence.update";
    public const string NotificationAck = "notification.ack";
    public const string NotificationList = "notification.list";
    public const string NotificationRead = "notification.read";
    public const string ConversationView = "conversation.view";
    public const string ConversationLeave = "conversation.leave";
    public const string Resume = "stream.resume";
    public const string CampaignWatch = "campaign.watch";
    public const string CampaignUnwatch = "campaign.unwatch";
}
