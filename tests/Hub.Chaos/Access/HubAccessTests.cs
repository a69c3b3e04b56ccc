using System.Net;
using System.Reflection;
using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Core.Realtime;
using Hub.Server.Auth.Api;
using Hub.Server.Auth;
using Hub.Server.Hubs;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>A live Hub (real WebSockets) whose typing indicators outlast a test step, so a stray stop is visible.</summary>
public sealed class HubAccessApp : IAsyncLifetime
{
    public LiveHubApp App { get; } = new();

    public async Task InitializeAsync()
    {
        App.Settings["Realtime:TypingTimeout"] = "00:00:30";
        await App.InitializeAsync();
    }

    public async Task DisposeAsync() => await ((IAsyncLifetime)App).DisposeAsync();
}

/// <summary>
/// Every method of <c>/hubs/agent</c> and <c>/hubs/client</c> (found by reflection, so a new one must be added here)
/// tried by callers who don't belong: anonymous, expired and cross-hub tokens at connect; workspace B's agent and
/// B's end user (with the same user id as A's) naming A's conversation, message, notification and campaign ids; and
/// members whose role does not cover the method. Each is refused with a hub error, and no event crosses over.
/// </summary>
public sealed class HubAccessTests(HubAccessApp fixture, ITestOutputHelper output) : IClassFixture<HubAccessApp>
{
    private LiveHubApp App => fixture.App;

    private Uri AgentHubUrl => new(App.Address!, "/hubs/agent");

    private Uri ClientHubUrl => new(App.Address!, "/hubs/client");

    [Fact]
    public async Task Anonymous_expired_and_wrong_hub_tokens_are_refused_at_connect()
    {
        var admin = await App.SignedInAsync();
        var workspaceId = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var memberToken = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        var userToken = await LiveHubApp.MintAsync(admin, $"u-{Guid.NewGuid():N}");
        var secret = (await admin.PostJsonAsync("/api/v1/workspace/client-secret", new { })).Str("client_token_secret");
        var now = DateTimeOffset.UtcNow;
        var expiredUser = ClientTokensApi.Mint(secret, workspaceId, "late", now.AddHours(-2), now.AddHours(-1));
        var expiredMember = await ExpiredMemberTokenAsync();

        var http = App.Anonymous();
        var tried = 0;
        var letIn = new List<string>();
        foreach (var hub in new[] { "/hubs/agent", "/hubs/client" })
        {
            tried++;
            using var negotiate = await http.PostAsync($"{hub}/negotiate?negotiateVersion=1", null);
            if (negotiate.StatusCode != HttpStatusCode.Unauthorized)
            {
                letIn.Add($"anonymous negotiate {hub} → {(int)negotiate.StatusCode}");
            }
        }

        var attempts = new (string Name, Uri Hub, string Token)[]
        {
            ("anonymous agent", AgentHubUrl, string.Empty), ("anonymous client", ClientHubUrl, string.Empty),
            ("expired member JWT on agent hub", AgentHubUrl, expiredMember), ("expired user token on client hub", ClientHubUrl, expiredUser),
            ("end-user token on agent hub", AgentHubUrl, userToken), ("member JWT on client hub", ClientHubUrl, memberToken),
        };
        foreach (var (name, hub, token) in attempts)
        {
            tried++;
            try
            {
                await using var client = await RealtimeClient.ConnectAsync(hub, token);
                letIn.Add($"{name}: connected");
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException or HubException)
            {
                Assert.Contains("401", e.ToString(), StringComparison.Ordinal); // refused as unauthenticated, not some other failure
            }
        }

        Coverage.Print(output, "hub connects (agent, client)", 2, ["anonymous", "expired member JWT", "expired user token", "user token on agent hub", "member JWT on client hub"], tried, letIn.Count);
        Assert.True(letIn.Count == 0, string.Join("\n", letIn));
        ChaosReport.Record(ChaosKind.Access, "hub connects: anonymous, expired, wrong-hub tokens", tried, "connects", letIn.Count, "401 at negotiate/upgrade");
    }

    [Fact]
    public async Task Workspace_B_reaches_none_of_A_s_hub_ids_and_no_event_crosses_between_workspaces()
    {
        // A: a user with a conversation, an agent reply, a notification and a campaign; both sides connected and listening.
        var sharedUserId = $"same-{Guid.NewGuid():N}"; // user ids are per workspace: B has a user with the same one
        var adminA = await App.NewWorkspaceAsync($"Alpha {Guid.NewGuid():N}");
        var adminB = await App.NewWorkspaceAsync($"Bravo {Guid.NewGuid():N}");
        await using var userA = await App.ConnectUserAsync(adminA, sharedUserId);
        await using var agentA = await App.ConnectAgentAsync(adminA);
        var sent = await userA.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "alpha secret"));
        var reply = await agentA.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, "alpha reply"));
        var notification = (await adminA.PostJsonAsync("/api/v1/notifications", new { user_id = sharedUserId, title = "alpha only", body = "private" })).Str("notification_id");
        var campaign = (await adminA.PostJsonAsync("/api/v1/campaigns", WorkspaceSeed.CampaignBody("Alpha campaign"))).Str("id");
        await userA.Connection.InvokeAsync(RealtimeEventNames.TypingStart, new ConversationRef(sent.ConversationId));
        await agentA.WaitForAsync(RealtimeEventNames.TypingIndicator, e => e.GetProperty("isTyping").GetBoolean());
        await userA.WaitForAsync(RealtimeEventNames.NotificationPush);

        await using var agentB = await App.ConnectAgentAsync(adminB);
        await using var userB = await App.ConnectUserAsync(adminB, sharedUserId);
        await Task.Delay(300);
        var (agentABefore, userABefore) = (agentA.Events.Count, userA.Events.Count);

        var ids = new HubIds(sent.ConversationId, sent.MessageId, reply.MessageId, Guid.Parse(notification), Guid.Parse(campaign));
        var aSecrets = new[] { sent.ConversationId.ToString(), sent.MessageId.ToString(), reply.MessageId.ToString(), notification, campaign, "alpha" };
        var letIn = new List<string>();
        var tried = 0;
        foreach (var (hubType, caller) in new (Type, RealtimeClient)[] { (typeof(AgentHub), agentB), (typeof(ClientHub), userB) })
        {
            foreach (var method in HubMethods(hubType))
            {
                Assert.True(Calls.TryGetValue(method, out var call), $"{hubType.Name} method {method} is not covered by this test: add it to Calls");
                tried++;
                var outcome = await InvokeAsync(caller, method, call!(ids));
                output.WriteLine($"B → {hubType.Name}.{method}: {outcome.Text}");
                var leaked = aSecrets.FirstOrDefault(s => outcome.Text.Contains(s, StringComparison.OrdinalIgnoreCase));
                if (leaked is not null || (!outcome.Refused && !CallerScoped.Contains(method)))
                {
                    letIn.Add($"{hubType.Name}.{method} with A's ids → {outcome.Text}");
                }
            }
        }

        // Nothing B did reached A's clients (A's user is still typing: only a stop by B could end it now).
        await Task.Delay(500);
        var afterB = agentA.Events.Skip(agentABefore).Concat(userA.Events.Skip(userABefore)).ToList();
        var fromB = afterB.Count;
        letIn.AddRange(afterB.Select(e => $"A received {e.Name} after B's calls: {e.Data.GetRawText()}"));

        // A does more while B listens: nothing of it reaches B.
        await userA.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, "alpha second"));
        await agentA.Connection.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(sent.ConversationId));
        await agentA.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetRawText().Contains("alpha second", StringComparison.Ordinal));
        await Task.Delay(500);

        var toB = agentB.Events.Concat(userB.Events).Where(e => aSecrets.Any(s => e.Data.GetRawText().Contains(s, StringComparison.OrdinalIgnoreCase))).ToList();
        letIn.AddRange(toB.Select(e => $"B received A's {e.Name}: {e.Data.GetRawText()}"));
        output.WriteLine($"{tried} hub calls by B with A's ids; A's clients got {fromB} events from them; B's clients got {agentB.Events.Count + userB.Events.Count} events in all");
        Coverage.Print(output, "hub methods (agent + client), A's ids", HubMethods(typeof(AgentHub)).Count() + HubMethods(typeof(ClientHub)).Count(),
            ["B agent (admin JWT)", "B end user with A's user id"], tried, letIn.Count);
        Assert.True(letIn.Count == 0, "Workspace B got through to A on the hubs:\n" + string.Join("\n", letIn));
        ChaosReport.Record(ChaosKind.Access, "other-workspace agent and end user on every hub method with A's ids", tried, "hub calls", letIn.Count,
            "refused with a hub error; no event crossed workspaces");
    }

    [Fact]
    public async Task Members_are_refused_hub_methods_their_role_does_not_cover_and_marketers_hear_no_inbox()
    {
        var admin = await App.NewWorkspaceAsync($"Roles {Guid.NewGuid():N}");
        var marketer = await App.NewMemberAsync(admin, "marketer");
        var agent = await App.NewMemberAsync(admin, "agent");
        var campaign = (await admin.PostJsonAsync("/api/v1/campaigns", WorkspaceSeed.CampaignBody("Roles campaign"))).Str("id");
        await using var marketerHub = await App.ConnectAgentAsync(marketer);
        await using var agentHub = await App.ConnectAgentAsync(agent);
        await using var user = await App.ConnectUserAsync(admin, $"roles-{Guid.NewGuid():N}");
        var sent = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "inbox only"));
        await agentHub.WaitForAsync(RealtimeEventNames.MessageReceived);

        var ids = new HubIds(sent.ConversationId, sent.MessageId, sent.MessageId, Guid.NewGuid(), Guid.Parse(campaign));
        var inbox = new[]
        {
            RealtimeEventNames.MessageSend, RealtimeEventNames.MessageRead, RealtimeEventNames.TypingStart, RealtimeEventNames.ConversationView,
            RealtimeEventNames.Resume,
        };
        var letIn = new List<string>();
        var tried = 0;
        foreach (var method in inbox)
        {
            tried++;
            var outcome = await InvokeAsync(marketerHub, method, Calls[method](ids));
            if (!outcome.Refused)
            {
                letIn.Add($"marketer: {method} → {outcome.Text}");
            }
        }

        tried++;
        var watch = await InvokeAsync(agentHub, RealtimeEventNames.CampaignWatch, Calls[RealtimeEventNames.CampaignWatch](ids));
        if (!watch.Refused)
        {
            letIn.Add($"agent: {RealtimeEventNames.CampaignWatch} → {watch.Text}");
        }

        await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, "still inbox only"));
        await agentHub.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetRawText().Contains("still inbox only", StringComparison.Ordinal));
        await Task.Delay(300);
        letIn.AddRange(marketerHub.Events.Where(e => e.Name is RealtimeEventNames.MessageReceived or RealtimeEventNames.ConversationUpdated or RealtimeEventNames.TypingIndicator)
            .Select(e => $"marketer received {e.Name}"));

        // The roles that may are let in: the agent sends, the marketer watches.
        await agentHub.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, "agent reply"));
        await marketerHub.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(Guid.Parse(campaign)));

        Assert.True(letIn.Count == 0, "Members got past their role on the agent hub:\n" + string.Join("\n", letIn));
        ChaosReport.Record(ChaosKind.Access, "wrong-role members on agent hub methods and events", tried + 1, "hub calls", letIn.Count,
            "marketers: no inbox methods or events; agents: no campaign watch");
    }

    /// <summary>Methods that only ever act on the caller's own state (their stream, presence, groups), whatever id they are given.</summary>
    private static readonly HashSet<string> CallerScoped =
    [
        RealtimeEventNames.PresenceUpdate, RealtimeEventNames.Resume, RealtimeEventNames.NotificationList,
        RealtimeEventNames.ConversationLeave, RealtimeEventNames.CampaignUnwatch, RealtimeEventNames.TypingStop,
    ];

    private sealed record HubIds(Guid Conversation, Guid UserMessage, Guid AgentMessage, Guid Notification, Guid Campaign);

    /// <summary>The arguments each hub method gets: A's ids where it takes one.</summary>
    private static readonly Dictionary<string, Func<HubIds, object[]>> Calls = new()
    {
        [RealtimeEventNames.MessageSend] = i => [new SendMessageRequest(i.Conversation, "hijack")],
        [RealtimeEventNames.MessageRead] = i => [new ReadReceipt(i.Conversation, i.AgentMessage)],
        [RealtimeEventNames.TypingStart] = i => [new ConversationRef(i.Conversation)],
        [RealtimeEventNames.TypingStop] = i => [new ConversationRef(i.Conversation)],
        [RealtimeEventNames.PresenceUpdate] = _ => [new PresenceUpdate(PresenceStatus.Away)],
        [RealtimeEventNames.ConversationView] = i => [new ConversationRef(i.Conversation)],
        [RealtimeEventNames.ConversationLeave] = i => [new ConversationRef(i.Conversation)],
        [RealtimeEventNames.Resume] = _ => [new ResumeRequest(0)],
        [RealtimeEventNames.CampaignWatch] = i => [new CampaignRef(i.Campaign)],
        [RealtimeEventNames.CampaignUnwatch] = i => [new CampaignRef(i.Campaign)],
        [RealtimeEventNames.NotificationAck] = i => [new NotificationAck(i.Notification, "opened")],
        [RealtimeEventNames.NotificationList] = _ => [new NotificationListRequest()],
        [RealtimeEventNames.NotificationRead] = i => [new NotificationReadRequest(i.Notification)],
    };

    private static IEnumerable<string> HubMethods(Type hub) =>
        hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name).OfType<string>();

    private static async Task<(bool Refused, string Text)> InvokeAsync(RealtimeClient client, string method, object[] args)
    {
        try
        {
            var result = await client.Connection.InvokeCoreAsync(method, typeof(JsonElement), args);
            return (false, result is JsonElement e ? e.GetRawText() : "(no result)");
        }
        catch (HubException e)
        {
            return (true, "refused: " + e.Message);
        }
    }

    private async Task<string> ExpiredMemberTokenAsync()
    {
        await using var scope = App.Scope();
        var members = scope.ServiceProvider.GetRequiredService<UserManager<Hub.Core.Members.Member>>();
        var admin = await members.FindByEmailAsync(HubApp.AdminEmail) ?? throw new InvalidOperationException("no admin");
        var options = App.Services.GetRequiredService<IOptions<AuthOptions>>();
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - options.Value.TokenLifetime - TimeSpan.FromMinutes(5));
        return new MemberTokenIssuer(App.Services.GetRequiredService<SigningKeyProvider>(), options, past)
            .Issue(admin, await members.GetRolesAsync(admin)).Token;
    }
}
