using Hub.Core.Realtime;
using Hub.Data.Realtime;
using Hub.Server.Auth;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Realtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Hub.Server.Hubs;

/// <summary>
/// <c>/hubs/client</c>: end users, with a token their product's backend signed. A connection joins
/// only its own user's stream (<c>user:{id}</c>); nothing a client sends can make it join another.
/// </summary>
[Authorize(AuthenticationSchemes = HubSchemes.EndUser, Policy = HubPolicies.EndUser)]
public sealed class ClientHub(
    ConversationMessaging messaging,
    NotificationCenter notifications,
    EventStreamStore streams,
    IPresenceTracker presence,
    TypingTracker typing,
    RealtimeDispatcher dispatcher,
    IOptions<RealtimeOptions> options) : Hub<IEndUserClient>
{
    private Guid WorkspaceId => Guid.Parse(Context.User!.FindFirst(HubClaims.WorkspaceId)!.Value);

    private Guid ContactId => Guid.Parse(Context.User!.FindFirst(EndUserAuthenticationHandler.ContactIdClaim)!.Value);

    private string UserId => Context.User!.FindFirst(HubClaims.Subject)!.Value;

    /// <summary>The widget's chat channel, when the token names one.</summary>
    private Guid? ChannelId => Context.User!.FindFirst(EndUserAuthenticationHandler.ChannelClaim) is { } claim ? Guid.Parse(claim.Value) : null;

    public override async Task OnConnectedAsync()
    {
        // Order matters: join the group, then take the pushes that arrived while no device was here, and only
        // then count as online — a push racing this connect is either live in the group or still pending.
        await Groups.AddToGroupAsync(Context.ConnectionId, Streams.User(ContactId));
        foreach (var push in await notifications.ClaimUndeliveredAsync(ContactId, UserId, Context.ConnectionAborted))
        {
            await Clients.Caller.NotificationPush(push);
        }

        var change = await presence.ConnectedAsync(WorkspaceId, PresenceKind.EndUser, UserId, Context.ConnectionId);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(UserId, change.After));
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await typing.StopAllAsync(Context.ConnectionId);
        var change = await presence.DisconnectedAsync(WorkspaceId, PresenceKind.EndUser, UserId, Context.ConnectionId);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(UserId, change.After));
        }
    }

    /// <summary>Sends a chat message; without a conversation id, into the user's open chat conversation.</summary>
    [HubMethodName(RealtimeEventNames.MessageSend)]
    public async Task<SendMessageResult> SendMessage(SendMessageRequest request)
    {
        var sent = await messaging.SendFromEndUserAsync(WorkspaceId, ContactId, UserId, ChannelId, request, Context.ConnectionAborted);
        await typing.StopAsync(WorkspaceId, sent.ConversationId, UserId); // a sent message ends the typing indicator
        return sent;
    }

    /// <summary>A read receipt for the agents' messages up to and including the given one.</summary>
    [HubMethodName(RealtimeEventNames.MessageRead)]
    public Task<int> MarkRead(ReadReceipt receipt) => messaging.MarkReadAsync(WorkspaceId, ContactId, receipt, Context.ConnectionAborted);

    [HubMethodName(RealtimeEventNames.TypingStart)]
    public async Task TypingStart(ConversationRef conversation)
    {
        await EnsureOwnConversationAsync(conversation.ConversationId);
        await typing.StartAsync(WorkspaceId, ContactId, conversation.ConversationId, UserId, Context.ConnectionId);
    }

    [HubMethodName(RealtimeEventNames.TypingStop)]
    public Task TypingStop(ConversationRef conversation) => typing.StopAsync(WorkspaceId, conversation.ConversationId, UserId);

    [HubMethodName(RealtimeEventNames.PresenceUpdate)]
    public async Task<PresenceStatus> UpdatePresence(PresenceUpdate update)
    {
        var change = await presence.SetStatusAsync(WorkspaceId, PresenceKind.EndUser, UserId, Context.ConnectionId, update.Status);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(UserId, change.After));
        }

        return change.After;
    }

    [HubMethodName(RealtimeEventNames.NotificationAck)]
    public Task AcknowledgeNotification(NotificationAck ack) => notifications.AcknowledgeAsync(ContactId, UserId, ack, Context.ConnectionAborted);

    [HubMethodName(RealtimeEventNames.NotificationList)]
    public Task<NotificationList> ListNotifications(NotificationListRequest request) =>
        notifications.ListAsync(ContactId, UserId, request, Context.ConnectionAborted);

    /// <summary>Marks one notification (or, with no id, all) read; returns the unread count.</summary>
    [HubMethodName(RealtimeEventNames.NotificationRead)]
    public Task<int> MarkNotificationRead(NotificationReadRequest request) =>
        notifications.MarkReadAsync(ContactId, request.NotificationId, Context.ConnectionAborted);

    /// <summary>Sends, in order, every event of the user's stream after <see cref="ResumeRequest.AfterSeq"/>.</summary>
    [HubMethodName(RealtimeEventNames.Resume)]
    public async Task<ResumeResult> Resume(ResumeRequest request)
    {
        var (result, lastReplayed) = await StreamReplay.ResumeAsync(streams, Streams.User(ContactId), request.AfterSeq, options.Value.MaxReplay,
            e => StreamEventSender.SendAsync(Clients.Caller, e), Clients.Caller.Resync, Context.ConnectionAborted);
        if (lastReplayed is { } seq)
        {
            await notifications.MarkDeliveredAsync(ContactId, seq, Context.ConnectionAborted);
        }

        return result;
    }

    private async Task EnsureOwnConversationAsync(Guid conversationId)
    {
        if (await messaging.ContactOfAsync(conversationId, Context.ConnectionAborted) != ContactId)
        {
            throw new RealtimeRefusal("not_found", "No such conversation.");
        }
    }
}
