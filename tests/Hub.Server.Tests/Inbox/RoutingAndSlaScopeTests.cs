using System.Net;
using System.Net.Http.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Server.Modules.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Inbox;

/// <summary>
/// What an admin sets in Settings → Teams &amp; routing, SLA and canned responses: intent routes and auto-assignment per
/// workspace, team-scoped and business-hours SLA policies, replies shared with one team.
/// </summary>
public sealed class RoutingAndSlaScopeTests : IAsyncLifetime
{
    // Starts at the real time: members' tokens are checked against it.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly HubApp _app;

    public RoutingAndSlaScopeTests()
    {
        _app = new HubApp { ExtraServices = s => s.AddSingleton<TimeProvider>(_clock) };
        _app.Settings["Inbox:SlaCheckInterval"] = "1.00:00:00";
    }

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task An_intent_routed_in_the_dashboard_gives_the_new_conversation_to_that_teams_agent()
    {
        var (admin, workspace) = await WorkspaceAsync("Routing");
        const string text = "I lost my card yesterday, please block it";
        var intent = (await admin.PostJsonAsync("/api/v1/classify", new { text })).GetProperty("intent").Str("intent");
        var cara = await admin.PostJsonAsync("/api/v1/members", new
        {
            email = $"cara-{Guid.NewGuid():N}@example.com", display_name = "Cara", role = "agent", password = "Agent-Passw0rd-1", team = " Cards ",
        });
        Assert.Equal("cards", cara.Str("team"));
        var other = await admin.PostJsonAsync("/api/v1/members", new
        {
            email = $"olly-{Guid.NewGuid():N}@example.com", display_name = "Olly", role = "agent", password = "Agent-Passw0rd-1",
        });
        var presence = _app.Services.GetRequiredService<IPresenceTracker>();
        await presence.ConnectedAsync(workspace, PresenceKind.Member, cara.Str("id"), "c-cara");
        await presence.ConnectedAsync(workspace, PresenceKind.Member, other.Str("id"), "c-olly");

        var routing = await (await admin.PutAsJsonAsync("/api/v1/routing", new { intent_teams = new Dictionary<string, string> { [intent] = "cards" } })).JsonAsync();
        var cards = routing.GetProperty("teams").EnumerateArray().Single(t => t.Str("name") == "cards");
        Assert.Equal(["Cara"], cards.GetProperty("members").EnumerateArray().Select(m => m.Str("display_name")));
        Assert.Equal([intent], cards.GetProperty("intents").EnumerateArray().Select(i => i.GetString()));
        Assert.Contains(routing.GetProperty("without_team").EnumerateArray(), m => m.Str("display_name") == "Olly");

        var routed = await ReceiveAsync(workspace, text);
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{routed.ConversationId}");
        Assert.Equal("cards", conversation.Str("team"));
        Assert.Equal(cara.Str("id"), conversation.Str("assignee_id"));
        var load = (await admin.GetJsonAsync("/api/v1/routing")).GetProperty("teams").EnumerateArray().Single(t => t.Str("name") == "cards")
            .GetProperty("members")[0].GetProperty("open_conversations").GetInt32();
        Assert.Equal(1, load);
    }

    [Fact]
    public async Task Auto_assignment_switched_off_for_a_workspace_leaves_new_conversations_unassigned()
    {
        var (admin, workspace) = await WorkspaceAsync("No auto");
        var agent = await admin.PostJsonAsync("/api/v1/members", new
        {
            email = $"a-{Guid.NewGuid():N}@example.com", display_name = "Ana", role = "agent", password = "Agent-Passw0rd-1",
        });
        await _app.Services.GetRequiredService<IPresenceTracker>().ConnectedAsync(workspace, PresenceKind.Member, agent.Str("id"), "c-ana");
        var off = await (await admin.PutAsJsonAsync("/api/v1/routing", new { auto_assign = false })).JsonAsync();
        Assert.False(off.GetProperty("auto_assign").GetBoolean());
        Assert.True(off.GetProperty("server_auto_assign").GetBoolean());

        var first = await ReceiveAsync(workspace, "When do you open?");
        Assert.Equal(JsonValueKindNull, (await admin.GetJsonAsync($"/api/v1/conversations/{first.ConversationId}")).GetProperty("assignee_id").ValueKind);

        await admin.PutAsJsonAsync("/api/v1/routing", new { auto_assign = true });
        var second = await ReceiveAsync(workspace, "When do you close?");
        Assert.Equal(agent.Str("id"), (await admin.GetJsonAsync($"/api/v1/conversations/{second.ConversationId}")).Str("assignee_id"));
    }

    [Fact]
    public async Task Routing_refuses_an_unknown_intent_or_a_bad_team_name_and_agents_cannot_change_it()
    {
        var (admin, _) = await WorkspaceAsync("Routing errors");
        var unknown = await admin.PutAsJsonAsync("/api/v1/routing", new { intent_teams = new Dictionary<string, string> { ["not_an_intent"] = "cards" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.JsonAsync()).GetProperty("errors").TryGetProperty("intent_teams.not_an_intent", out _));

        var intent = (await admin.GetJsonAsync("/api/v1/routing")).GetProperty("known_intents")[0].GetString()!;
        var badTeam = await admin.PutAsJsonAsync("/api/v1/routing", new { intent_teams = new Dictionary<string, string> { [intent] = "!!" } });
        Assert.Equal(HttpStatusCode.BadRequest, badTeam.StatusCode);
        Assert.True((await badTeam.JsonAsync()).GetProperty("errors").TryGetProperty($"intent_teams.{intent}", out _));

        var badMember = await admin.PostAsJsonAsync("/api/v1/members", new
        {
            email = $"x-{Guid.NewGuid():N}@example.com", display_name = "X", role = "agent", password = "Agent-Passw0rd-1", team = "#sales",
        });
        Assert.Equal(HttpStatusCode.BadRequest, badMember.StatusCode);
        Assert.True((await badMember.JsonAsync()).GetProperty("errors").TryGetProperty("team", out _));

        var agent = await _app.NewMemberAsync(admin, "agent");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/v1/routing")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync("/api/v1/routing", new { auto_assign = false })).StatusCode);
    }

    [Fact]
    public async Task A_team_policy_beats_the_general_one_and_business_hours_skip_the_night()
    {
        var (admin, workspace) = await WorkspaceAsync("SLA scope");
        // The workspace opens once a week, three days from now, 10:00-12:00 UTC.
        var openDay = _clock.GetUtcNow().UtcDateTime.Date.AddDays(3);
        var opens = new DateTimeOffset(openDay.AddHours(10), TimeSpan.Zero);
        var hours = new[] { new { day = openDay.DayOfWeek.ToString().ToLowerInvariant(), opens = "10:00:00", closes = "12:00:00" } };
        var saved = await (await admin.PatchAsJsonAsync("/api/v1/workspace", new { business_hours = hours })).JsonAsync();
        Assert.Equal(1, saved.GetProperty("business_hours").GetArrayLength());
        var text = "I lost my card yesterday, please block it";
        var intent = (await admin.PostJsonAsync("/api/v1/classify", new { text })).GetProperty("intent").Str("intent");
        await admin.PutAsJsonAsync("/api/v1/routing", new { intent_teams = new Dictionary<string, string> { [intent] = "cards" } });
        var put = await admin.PutAsJsonAsync("/api/v1/sla-policies", new object[]
        {
            new { priority = "normal", first_response_minutes = 240, resolution_minutes = 1440 },
            new { priority = "normal", first_response_minutes = 30, resolution_minutes = 120, team = "cards", business_hours_only = true },
        });
        put.EnsureSuccessStatusCode();

        var general = await ReceiveAsync(workspace, "What are your prices?");
        var cards = await ReceiveAsync(workspace, text);
        var g = await admin.GetJsonAsync($"/api/v1/conversations/{general.ConversationId}");
        var c = await admin.GetJsonAsync($"/api/v1/conversations/{cards.ConversationId}");
        Assert.Equal(_clock.GetUtcNow().AddMinutes(240), g.GetProperty("first_response_due_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        // Only open time counts: 30 minutes end at 10:30 on the open day, 120 at its closing time.
        Assert.Equal(opens.AddMinutes(30), c.GetProperty("first_response_due_at").GetDateTimeOffset());
        Assert.Equal(opens.AddMinutes(120), c.GetProperty("resolution_due_at").GetDateTimeOffset());

        var policies = await admin.GetJsonAsync("/api/v1/sla-policies");
        Assert.Contains(policies.EnumerateArray(), p => p.GetProperty("team").GetString() == "cards" && p.GetProperty("business_hours_only").GetBoolean());

        // Past 10:30 that day with no answer: the breach is listed for the dashboard (the general one is breached too by then).
        _clock.Advance(opens.AddMinutes(35) - _clock.GetUtcNow());
        await using (var scope = _app.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<Hub.Server.Modules.Inbox.SlaMonitor>().CheckAsync(default);
        }

        var breaches = await admin.GetJsonAsync("/api/v1/sla-policies/breaches");
        Assert.Equal(new[] { general.ConversationId.ToString(), cards.ConversationId.ToString() }.Order(), breaches.EnumerateArray().Select(b => b.Str("conversation_id")).Order());
    }

    [Fact]
    public async Task Sla_policies_refuse_a_duplicate_scope_and_bad_business_hours_are_named()
    {
        var (admin, _) = await WorkspaceAsync("SLA errors");
        var twice = await admin.PutAsJsonAsync("/api/v1/sla-policies", new object[]
        {
            new { priority = "high", first_response_minutes = 10, resolution_minutes = 60, team = "cards" },
            new { priority = "high", first_response_minutes = 20, resolution_minutes = 60, team = "Cards" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.True((await twice.JsonAsync()).GetProperty("errors").TryGetProperty("[1].priority", out _));

        var backwards = await admin.PatchAsJsonAsync("/api/v1/workspace", new { business_hours = new[] { new { day = "monday", opens = "17:00:00", closes = "09:00:00" } } });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.True((await backwards.JsonAsync()).GetProperty("errors").TryGetProperty("business_hours", out _));
    }

    [Fact]
    public async Task A_reply_shared_with_one_team_is_offered_to_that_team_only()
    {
        var (admin, _) = await WorkspaceAsync("Canned teams");
        await admin.PostJsonAsync("/api/v1/canned-responses", new { short_code = "hello", content = "Hello {{ contact.first_name }}" });
        var shared = await admin.PostJsonAsync("/api/v1/canned-responses", new { short_code = "block", content = "Your card is blocked.", team = "Cards" });
        Assert.Equal("cards", shared.Str("team"));

        var outsider = await _app.NewMemberAsync(admin, "agent");
        var insiderEmail = $"in-{Guid.NewGuid():N}@example.com";
        await admin.PostJsonAsync("/api/v1/members", new { email = insiderEmail, display_name = "In", role = "agent", password = "Member-Passw0rd-Test", team = "cards" });
        var insider = await _app.SignedInAsync(insiderEmail, "Member-Passw0rd-Test");

        static async Task<string[]> Codes(HttpClient client) =>
            [.. (await client.GetJsonAsync("/api/v1/canned-responses")).EnumerateArray().Select(c => c.Str("short_code")).Order()];
        Assert.Equal(["block", "hello"], await Codes(admin));
        Assert.Equal(["block", "hello"], await Codes(insider));
        Assert.Equal(["hello"], await Codes(outsider));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private async Task<(HttpClient Admin, Guid Workspace)> WorkspaceAsync(string name)
    {
        var admin = await _app.NewWorkspaceAsync($"{name} {Guid.NewGuid():N}");
        return (admin, Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id")));
    }

    private async Task<InboundResult> ReceiveAsync(Guid workspace, string text)
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(new InboundMessage
        {
            WorkspaceId = workspace, Channel = ChannelType.Sms, From = $"+1415{Random.Shared.Next(1_000_000, 9_999_999)}", To = "+14155550100",
            Text = text, ExternalId = $"SM{Guid.NewGuid():N}", ReceivedAt = _clock.GetUtcNow(),
        }, default);
    }
}
