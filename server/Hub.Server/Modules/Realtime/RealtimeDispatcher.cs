using Hub.Core.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Pushes events to the hubs' groups from anywhere in the server (services, jobs, APIs). Sequenced
/// events go to the group named like their stream; call it only after the event's transaction commits.
/// With the Redis backplane the group spans every node.
/// </summary>
public sealed class RealtimeDispatcher(AgentClients agents, EndUserClients users)
{
    public Task MessageAsync(StreamEvent<MessagePayload> e) =>
        e.Event == RealtimeEventNames.MessageUpdated
            ? (IsUserStream(e.Stream) ? users.Clients.Group(e.Stream).MessageUpdated(e) : agents.Clients.Group(e.Stream).MessageUpdated(e))
            : (IsUserStream(e.Stream) ? users.Clients.Group(e.Stream).MessageReceived(e) : agents.Clients.Group(e.Stream).MessageReceived(e));

    public Task ConversationAsync(StreamEvent<ConversationPayload> e) =>
        IsUserStream(e.Stream) ? users.Clients.Group(e.Stream).ConversationUpdated(e) : agents.Clients.Group(e.Stream).ConversationUpdated(e);

    public Task SlaAsync(StreamEvent<SlaAlert> e) =>
        e.Event == RealtimeEventNames.SlaBreach ? agents.Clients.Group(e.Stream).SlaBreach(e) : agents.Clients.Group(e.Stream).SlaWarning(e);

    public Task NotificationAsync(StreamEvent<PushNotificationMessage> e) => users.Clients.Group(e.Stream).NotificationPush(e);

    /// <summary>Typing is never stored: agents of the workspace, and the conversation's contact, hear it live.</summary>
    public async Task TypingAsync(Guid workspaceId, Guid contactId, TypingIndicator e, string? exceptConnectionId)
    {
        var workspace = Streams.Workspace(workspaceId);
        await (exceptConnectionId is null ? agents.Clients.Group(workspace) : agents.Clients.GroupExcept(workspace, exceptConnectionId)).TypingIndicator(e);
        var user = Streams.User(contactId);
        await (exceptConnectionId is null ? users.Clients.Group(user) : users.Clients.GroupExcept(user, exceptConnectionId)).TypingIndicator(e);
    }

    public Task PresenceAsync(Guid workspaceId, PresenceChanged e) => agents.Clients.Group(Streams.Workspace(workspaceId)).PresenceChanged(e);

    /// <summary>To the mentioned member's own connections only.</summary>
    public Task MentionAsync(Guid memberId, MentionNotice e) => agents.Clients.Group(MemberGroup(memberId)).Mention(e);

    public static string MemberGroup(Guid memberId) => $"member:{memberId:N}";

    public Task ViewersAsync(Guid workspaceId, ConversationViewers e) => agents.Clients.Group(Streams.Workspace(workspaceId)).ConversationViewers(e);

    /// <summary>Analytics alerts are live only (listed again by <c>GET /api/v1/analytics/alerts/events</c>).</summary>
    public Task AnalyticsAlertAsync(Guid workspaceId, Hub.Core.Analytics.AnalyticsAlertMessage e) =>
        agents.Clients.Group(MembersGroup(workspaceId)).AnalyticsAlert(e);

    /// <summary>Every member connection of the workspace, whatever the role (the workspace stream is the inbox roles' only).</summary>
    public static string MembersGroup(Guid workspaceId) => $"members:{workspaceId:N}";

    private static bool IsUserStream(string stream) => stream.StartsWith("user:", StringComparison.Ordinal);
}
