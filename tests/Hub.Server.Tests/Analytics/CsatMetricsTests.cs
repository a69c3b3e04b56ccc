using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Analytics;

/// <summary>CSAT in <c>GET /api/v1/analytics/inbox</c>, per agent and team, against hand-computed figures.</summary>
public sealed class CsatMetricsTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-03-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Guid> SeedAsync(Guid workspaceId)
    {
        await using var scope = app.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var agent = await db.Set<Hub.Core.Members.Member>().IgnoreQueryFilters().Where(m => m.WorkspaceId == workspaceId).Select(m => m.Id).FirstAsync();
        var contact = new Contact { Phone = "+15550009999" };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();

        // (agent, team, score, answered after h); asked at T0; the conversation was resolved just before.
        void Add(Guid? by, string? team, int? score, double? answeredAfterHours)
        {
            var conversation = new Conversation
            {
                ContactId = contact.Id, ChannelType = ChannelType.Sms, AssigneeId = by, Team = team, Status = ConversationStatus.Resolved,
                CreatedAt = T0.AddHours(-1), UpdatedAt = T0, ResolvedAt = T0.AddHours(-2), // resolved before the window: no resolution figures
            };
            db.Conversations.Add(conversation);
            db.CsatSurveys.Add(new CsatSurvey
            {
                ConversationId = conversation.Id, ContactId = contact.Id, ChannelType = ChannelType.Sms, AgentId = by, Team = team,
                QuestionMessageId = Guid.NewGuid(), AskedAt = T0, ExpiresAt = T0.AddDays(7), Score = score,
                RespondedAt = answeredAfterHours is { } h ? T0.AddHours(h) : null,
            });
        }

        Add(agent, "cards", 5, 1);
        Add(agent, "cards", 4, 2);
        Add(agent, "loans", 2, 3);
        Add(null, "cards", 3, 4);
        Add(null, null, 1, 30);   // answered after the window: not counted
        Add(agent, "cards", null, null); // never answered: not counted
        await db.SaveChangesAsync();
        return agent;
    }

    [Fact]
    public async Task Inbox_metrics_give_csat_responses_average_and_percent_per_agent_and_team()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        var agent = await SeedAsync(workspaceId);
        const string window = "from=2026-03-02T10:00:00Z&to=2026-03-03T10:00:00Z";

        var byAgent = await client.GetJsonAsync($"/api/v1/analytics/inbox?{window}&group_by=agent");

        // Overall: 5, 4, 2, 3 → 4 responses, avg 14/4 = 3.5, 4s and 5s: 2 of 4 = 50 %.
        AssertCsat(byAgent.GetProperty("csat"), 4, 3.5, 50);
        var agents = byAgent.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!);
        // Agent: 5, 4, 2 → avg 11/3, 2 of 3 = 66.67 %. Unassigned: 3 → avg 3, 0 %.
        AssertCsat(agents[agent.ToString()].GetProperty("csat"), 3, 11.0 / 3, 200.0 / 3);
        AssertCsat(agents["unassigned"].GetProperty("csat"), 1, 3, 0);

        var byTeam = await client.GetJsonAsync($"/api/v1/analytics/inbox?{window}&group_by=team");
        var teams = byTeam.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!);
        Assert.Equal(["cards", "loans"], teams.Keys.Order(StringComparer.Ordinal));
        // cards: 5, 4, 3 → avg 4, 2 of 3 = 66.67 %. loans: 2 → avg 2, 0 %.
        AssertCsat(teams["cards"].GetProperty("csat"), 3, 4, 200.0 / 3);
        AssertCsat(teams["loans"].GetProperty("csat"), 1, 2, 0);

        var (other, _) = await app.WorkspaceAsync();
        var empty = await other.GetJsonAsync($"/api/v1/analytics/inbox?{window}");
        Assert.Equal(0, empty.GetProperty("csat").GetProperty("responses").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, empty.GetProperty("csat").GetProperty("avg_score").ValueKind);
    }

    private static void AssertCsat(System.Text.Json.JsonElement csat, int responses, double avg, double percent)
    {
        Assert.Equal(responses, csat.GetProperty("responses").GetInt32());
        Assert.Equal(avg, csat.GetProperty("avg_score").GetDouble(), 9);
        Assert.Equal(percent, csat.GetProperty("csat_percent").GetDouble(), 9);
    }
}
