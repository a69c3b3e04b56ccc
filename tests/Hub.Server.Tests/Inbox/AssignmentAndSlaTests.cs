using System.Net.Http.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Inbox;

/// <summary>Auto-assignment and SLA timing, with Hub's clock replaced by a test clock.</summary>
public sealed class AssignmentAndSlaTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly HubApp _app;

    public AssignmentAndSlaTests()
    {
        _app = new HubApp { ExtraServices = s => s.AddSingleton<TimeProvider>(_clock) };
        _app.Settings["Inbox:SlaCheckInterval"] = "1.00:00:00"; // the test runs the check itself, on its own clock
    }

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Auto_assignment_goes_round_robin_to_online_available_agents_within_capacity()
    {
        var admin = await _app.NewWorkspaceAsync($"Assign {Guid.NewGuid():N}");
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        async Task<string> Agent(string name, int capacity, string availability = "online")
        {
            var member = await admin.PostJsonAsync("/api/v1/members",
                new { email = $"{name}-{Guid.NewGuid():N}@example.com", display_name = name, role = "agent", password = "Agent-Passw0rd-1", conversation_capacity = capacity });
            if (availability != "online")
            {
                await admin.PatchAsJsonAsync($"/api/v1/members/{member.Str("id")}", new { availability });
            }

            return member.Str("id");
        }

        var ana = await Agent("Ana", 1);
        var ben = await Agent("Ben", 2);
        var cai = await Agent("Cai", 5);          // never connects
        var dee = await Agent("Dee", 5, "busy");  // connected but busy
        var presence = _app.Services.GetRequiredService<IPresenceTracker>();
        foreach (var (id, connection) in new[] { (ana, "c1"), (ben, "c2"), (dee, "c4") })
        {
            await presence.ConnectedAsync(workspace, PresenceKind.Member, id, connection);
        }

        var assignees = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            var result = await ReceiveAsync(new InboundMessage
            {
                WorkspaceId = workspace, Channel = ChannelType.Email, From = $"customer{i}-{Guid.NewGuid():N}@example.com",
                Subject = $"Question {i}", Text = "Could you tell me the opening hours?", ExternalId = $"<{Guid.NewGuid():N}@x>", ReceivedAt = _clock.GetUtcNow(),
            });
            var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{result.ConversationId}");
            assignees.Add(conversation.GetProperty("assignee_id").GetString());
        }

        Assert.Equal(new[] { ana, ben }.Order(), assignees.Take(2).Order()!);
        Assert.Equal(ben, assignees[2]);   // Ana is at her capacity of 1
        Assert.Null(assignees[3]);         // everyone online and available is full
        Assert.DoesNotContain(cai, assignees);
        Assert.DoesNotContain(dee, assignees);
    }

    [Fact]
    public async Task Conversations_opened_at_the_same_moment_never_give_an_agent_more_than_their_capacity()
    {
        var admin = await _app.NewWorkspaceAsync($"Capacity {Guid.NewGuid():N}");
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var presence = _app.Services.GetRequiredService<IPresenceTracker>();
        var capacities = new Dictionary<string, int>();
        foreach (var (name, capacity) in new[] { ("Eve", 2), ("Fay", 3) })
        {
            var member = await admin.PostJsonAsync("/api/v1/members",
                new { email = $"{name}-{Guid.NewGuid():N}@example.com", display_name = name, role = "agent", password = "Agent-Passw0rd-1", conversation_capacity = capacity });
            capacities[member.Str("id")] = capacity;
            await presence.ConnectedAsync(workspace, PresenceKind.Member, member.Str("id"), $"c-{name}");
        }

        // A burst of new customers at once, each message opening its own conversation in its own scope (as webhooks do).
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => ReceiveAsync(new InboundMessage
        {
            WorkspaceId = workspace, Channel = ChannelType.Sms, From = $"+1415555{i:D4}", To = "+14155550100",
            Text = "Is my order on its way?", ExternalId = $"SM{Guid.NewGuid():N}", ReceivedAt = _clock.GetUtcNow(),
        }))));

        Assert.All(results, r => Assert.True(r.NewConversation));
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var ids = results.Select(r => r.ConversationId).ToList();
        var load = await db.Conversations.IgnoreQueryFilters().Where(c => ids.Contains(c.Id) && c.AssigneeId != null)
            .GroupBy(c => c.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        // Each agent is filled exactly to their capacity, never beyond it; the rest wait unassigned.
        Assert.Equal(capacities.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)), load.OrderBy(l => l.Key.ToString()).Select(l => (l.Key.ToString(), l.Count)));
    }

    [Fact]
    public async Task Sla_warning_and_breach_fire_on_time_once_and_a_first_response_stops_the_clock()
    {
        var admin = await _app.SignedInAsync();
        var policies = Enum.GetNames<Priority>().Select(p => new { priority = p.ToLowerInvariant(), first_response_minutes = 10, resolution_minutes = 60 });
        (await admin.PutAsJsonAsync("/api/v1/sla-policies", policies)).EnsureSuccessStatusCode();
        await admin.PostJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = "dev-sink", address = "help@acme.test" });
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        InboundMessage Mail(string subject) => new()
        {
            WorkspaceId = workspace, Channel = ChannelType.Email, From = $"sla-{Guid.NewGuid():N}@example.com", Subject = subject,
            Text = "Could you tell me the opening hours?", ExternalId = $"<{Guid.NewGuid():N}@x>", ReceivedAt = _clock.GetUtcNow(),
        };
        var waiting = await ReceiveAsync(Mail("waiting"));
        var answered = await ReceiveAsync(Mail("answered"));
        await admin.PostJsonAsync($"/api/v1/conversations/{answered.ConversationId}/messages", new { content = "Open 9 to 5." });

        _clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Empty(await CheckAsync());
        _clock.Advance(TimeSpan.FromMinutes(1.5)); // 85% of the 10-minute target
        Assert.Equal([(waiting.ConversationId, RealtimeEventNames.SlaWarning, "first_response")], await CheckAsync());
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([(waiting.ConversationId, RealtimeEventNames.SlaBreach, "first_response")], await CheckAsync());
        Assert.Empty(await CheckAsync()); // never twice

        // The answered one only runs against its resolution target.
        _clock.Advance(TimeSpan.FromMinutes(40)); // 50.5 minutes: 84% of 60
        Assert.Equal([(answered.ConversationId, RealtimeEventNames.SlaWarning, "resolution")], await CheckAsync());
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([(answered.ConversationId, RealtimeEventNames.SlaBreach, "resolution")], await CheckAsync());

        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var breached = await db.Conversations.IgnoreQueryFilters().SingleAsync(c => c.Id == waiting.ConversationId);
        Assert.NotNull(breached.SlaBreachedAt);

        // Each breach is an sla_breached analytics event (the claim is a bulk update, recorded explicitly).
        var counts = await Hub.Server.Tests.Analytics.AnalyticsReportProbe.EventCountsAsync(_app, admin, _clock.GetUtcNow());
        Assert.Equal(2, counts.GetValueOrDefault("sla_breached"));
    }

    private async Task<List<(Guid, string, string)>> CheckAsync()
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var before = await db.StoredEvents.IgnoreQueryFilters().MaxAsync(e => (long?)e.Id) ?? 0;
        await scope.ServiceProvider.GetRequiredService<SlaMonitor>().CheckAsync(default);
        var raised = await db.StoredEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Id > before && (e.Event == RealtimeEventNames.SlaWarning || e.Event == RealtimeEventNames.SlaBreach)).OrderBy(e => e.Id).ToListAsync();
        return [.. raised.Select(e =>
        {
            var data = System.Text.Json.JsonDocument.Parse(e.Data).RootElement;
            return (data.GetProperty("conversationId").GetGuid(), e.Event, data.GetProperty("target").GetString()!);
        })];
    }

    private async Task<InboundResult> ReceiveAsync(InboundMessage message)
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(message, default);
    }
}
