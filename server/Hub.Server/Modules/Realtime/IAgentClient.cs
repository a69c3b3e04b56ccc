using Hub.Core.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// What <c>/hubs/agent</c> pushes to agents and the dashboard. Method names on the wire are the
/// product's event names (<c>message.received</c>…); sequenced events come wrapped in a
/// <see cref="StreamEvent{T}"/> with the workspace stream's sequence number.
/// </summary>
public interface IAgentClient
{
    [HubMethodName(RealtimeEventNames.MessageReceived)]
    Task MessageReceived(StreamEvent<MessagePayload> e);

    [HubMethodName(RealtimeEventNames.MessageUpdated)]
    Task MessageUpdated(StreamEvent<MessagePayload> e);

    [HubMethodName(RealtimeEventNames.ConversationUpdated)]
    Task ConversationUpdated(StreamEvent<ConversationPayload> e);

    [HubMethodName(RealtimeEventNames.SlaWarning)]
    Task SlaWarning(StreamEvent<SlaAlert> e);

    [HubMethodName(RealtimeEventNames.SlaBreach)]
    Task SlaBreach(StreamEvent<SlaAlert> e);

    [HubMethodName(RealtimeEventNames.TypingIndicator)]
    Task TypingIndicator(TypingIndicator e);

    [HubMethodName(RealtimeEventNames.PresenceChanged)]
    Task PresenceChanged(PresenceChanged e);

    [HubMethodName(RealtimeEventNames.ConversationViewers)]
    Task ConversationViewers(ConversationViewers e);

    [HubMethodName(RealtimeEventNames.Mention)]
    Task Mention(MentionNotice e);

    [HubMethodName(RealtimeEventNames.Resync)]
    Task Resync(ResyncRequired e);

    [HubMethodName(RealtimeEventNames.CampaignStatus)]
    Task CampaignStatus(CampaignStatusUpdateMessage e);

    [HubMethodName(RealtimeEventNames.CampaignAnalytics)]
    Task CampaignAnalytics(CampaignAnalyticsEventMessage e);

    [HubMethodName(RealtimeEventNames.AnalyticsAlert)]
    Task AnalyticsAlert(Hub.Core.Analytics.AnalyticsAlertMessage e);
}

/// <summary>
/// What <c>/hubs/client</c> pushes to an end user: their conversations' messages and receipts, typing,
/// and push notifications, each sequenced in the user's own stream.
/// </summary>
public interface IEndUserClient
{
    [HubMethodName(RealtimeEventNames.MessageReceived)]
    Task MessageReceived(StreamEvent<MessagePayload> e);

    [HubMethodName(RealtimeEventNames.MessageUpdated)]
    Task MessageUpdated(StreamEvent<MessagePayload> e);

    [HubMethodName(RealtimeEventNames.ConversationUpdated)]
    Task ConversationUpdated(StreamEvent<ConversationPayload> e);

    [HubMethodName(RealtimeEventNames.NotificationPush)]
    Task NotificationPush(StreamEvent<PushNotificationMessage> e);

    [HubMethodName(RealtimeEventNames.TypingIndicator)]
    Task TypingIndicator(TypingIndicator e);

    [HubMethodName(RealtimeEventNames.PresenceChanged)]
    Task PresenceChanged(PresenceChanged e);

    [HubMethodName(RealtimeEventNames.Resync)]
    Task Resync(ResyncRequired e);
}
