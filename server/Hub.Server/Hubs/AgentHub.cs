using Hub.Core.Members;
using Hub.Core.Realtime;
using Hub.Data.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Hubs;

/// <summary>
/// <c>/hubs/agent</c>: members (cookie or member JWT). Every connection joins its own member group and its
/// workspace's members group (analytics alerts); admins and agents also join the workspace's stream (messages,
/// typing, presence, who views which conversation) and may use the inbox methods. Roles are those of the REST API:
/// the inbox is for admins and agents, campaigns for admins and marketers.
/// </summary>
[Authorize(Policy = HubPolicies.Member)]
public sealed class AgentHub(
    ConversationMessaging messaging,
    OutboundService outbound,
    EventStreamStore streams,
    IPresenceTracker presence,
    TypingTracker typing,
    RealtimeDispatcher dispatcher,
    HubDbContext db,
    IOptions<RealtimeOptions> options) : Hub<IAgentClient>
{
    private Guid WorkspaceId => Guid.Parse(Context.User!.FindFirst(HubClaims.WorkspaceId)!.Value);

    private Guid MemberId => Guid.Parse(Context.User!.FindFirst(HubClaims.Subject)!.Value);

    private string MemberName => Context.User!.FindFirst(HubClaims.Name)?.Value ?? MemberId.ToString();

    public override async Task OnConnectedAsync()
    {
        if (Context.User!.IsInRole(MemberRole.Admin) || Context.User.IsInRole(MemberRole.Agent))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, Streams.Workspace(WorkspaceId));
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, RealtimeDispatcher.MembersGroup(WorkspaceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, RealtimeDispatcher.MemberGroup(MemberId));
        var change = await presence.ConnectedAsync(WorkspaceId, PresenceKind.Member, MemberId.ToString(), Context.ConnectionId);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(MemberId.ToString(), change.After));
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await typing.StopAllAsync(Context.ConnectionId);
        foreach (var (workspaceId, conversationId) in presence.ViewedBy(Context.ConnectionId))
        {
            var viewers = await presence.LeaveAsync(workspaceId, conversationId, Context.ConnectionId);
            await dispatcher.ViewersAsync(workspaceId, new ConversationViewers(conversationId, viewers));
        }

        var change = await presence.DisconnectedAsync(WorkspaceId, PresenceKind.Member, MemberId.ToString(), Context.ConnectionId);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(MemberId.ToString(), change.After));
        }
    }

    /// <summary>Replies in a conversation: the REST reply's path, so an email, SMS or WhatsApp reply is queued for delivery.</summary>
    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.MessageSend)]
    public async Task<SendMessageResult> SendMessage(SendMessageRequest request)
    {
        var sent = await outbound.SendFromHubAsync(WorkspaceId, MemberId, request, Context.ConnectionAborted);
        await typing.StopAsync(WorkspaceId, sent.ConversationId, MemberId.ToString());
        return sent;
    }

    /// <summary>Marks the contact's messages read up to and including the given one.</summary>
    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.MessageRead)]
    public Task<int> MarkRead(ReadReceipt receipt) => messaging.MarkReadAsync(WorkspaceId, null, receipt, Context.ConnectionAborted);

    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.TypingStart)]
    public async Task TypingStart(ConversationRef conversation)
    {
        var contactId = await ContactOfAsync(conversation.ConversationId);
        await typing.StartAsync(WorkspaceId, contactId, conversation.ConversationId, MemberId.ToString(), Context.ConnectionId);
    }

    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.TypingStop)]
    public Task TypingStop(ConversationRef conversation) => typing.StopAsync(WorkspaceId, conversation.ConversationId, MemberId.ToString());

    [HubMethodName(RealtimeEventNames.PresenceUpdate)]
    public async Task<PresenceStatus> UpdatePresence(PresenceUpdate update)
    {
        var change = await presence.SetStatusAsync(WorkspaceId, PresenceKind.Member, MemberId.ToString(), Context.ConnectionId, update.Status);
        if (change.Changed)
        {
            await dispatcher.PresenceAsync(WorkspaceId, new PresenceChanged(MemberId.ToString(), change.After));
        }

        return change.After;
    }

    /// <summary>The agent opened a conversation: everyone learns who has it open.</summary>
    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.ConversationView)]
    public async Task<IReadOnlyList<Viewer>> View(ConversationRef conversation)
    {
        await ContactOfAsync(conversation.ConversationId);
        var viewers = await presence.ViewAsync(WorkspaceId, conversation.ConversationId, new Viewer(MemberId, MemberName), Context.ConnectionId);
        await dispatcher.ViewersAsync(WorkspaceId, new ConversationViewers(conversation.ConversationId, viewers));
        return viewers;
    }

    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.ConversationLeave)]
    public async Task Leave(ConversationRef conversation)
    {
        await ContactOfAsync(conversation.ConversationId);
        var viewers = await presence.LeaveAsync(WorkspaceId, conversation.ConversationId, Context.ConnectionId);
        await dispatcher.ViewersAsync(WorkspaceId, new ConversationViewers(conversation.ConversationId, viewers));
    }

    /// <summary>Sends, in order, every workspace event after <see cref="ResumeRequest.AfterSeq"/>; then live events follow.</summary>
    [Authorize(Policy = HubPolicies.Inbox)]
    [HubMethodName(RealtimeEventNames.Resume)]
    public async Task<ResumeResult> Resume(ResumeRequest request) =>
        (await StreamReplay.ResumeAsync(streams, Streams.Workspace(WorkspaceId), request.AfterSeq, options.Value.MaxReplay,
            e => StreamEventSender.SendAsync(Clients.Caller, e), Clients.Caller.Resync, Context.ConnectionAborted)).Result;

    /// <summary>
    /// Joins the campaign's live group (<c>campaign.status</c>, <c>campaign.analytics</c>) and returns its status now.
    /// Only a campaign of the caller's workspace: any other id is <c>not_found</c>.
    /// </summary>
    [Authorize(Policy = HubPolicies.Marketing)]
    [HubMethodName(RealtimeEventNames.CampaignWatch)]
    public async Task<CampaignStatusUpdateMessage> WatchCampaign(CampaignRef campaign, CampaignLive live, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(clock);
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaign.CampaignId, Context.ConnectionAborted))
        {
            throw new RealtimeRefusal("not_found", "No such campaign.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, CampaignLive.Group(campaign.CampaignId), Context.ConnectionAborted);
        return await live.StatusAsync(WorkspaceId, campaign.CampaignId, clock.GetUtcNow(), Context.ConnectionAborted)
            ?? throw new RealtimeRefusal("not_found", "No such campaign.");
    }

    /// <summary>Leaves the campaign's live group.</summary>
    [Authorize(Policy = HubPolicies.Marketing)]
    [HubMethodName(RealtimeEventNames.CampaignUnwatch)]
    public Task UnwatchCampaign(CampaignRef campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, CampaignLive.Group(campaign.CampaignId), Context.ConnectionAborted);
    }

    private async Task<Guid> ContactOfAsync(Guid conversationId) =>
        await messaging.ContactOfAsync(conversationId, Context.ConnectionAborted)
        ?? throw new RealtimeRefusal("not_found", "No such conversation.");
}
