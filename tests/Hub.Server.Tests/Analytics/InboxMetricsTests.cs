using System.Net;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Analytics;

/// <summary><c>GET /api/v1/analytics/inbox</c> against hand-computed first response and resolution figures.</summary>
public sealed class InboxMetricsTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-03-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Guid> SeedAsync(Guid workspaceId)
    {
        await using var scope = app.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var agent = await db.Set<Hub.Core.Members.Member>().IgnoreQueryFilters().Where(m => m.WorkspaceId == workspaceId).Select(m => m.Id).FirstAsync();
        var contact = new Contact { Email = $"c-{Guid.NewGuid():N}@example.com" };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();

        // (assignee, first response after s, resolved after s); created at T0 unless said.
        void Add(Guid? assignee, double? firstResponse, double? resolved, DateTimeOffset? created = null)
        {
            var at = created ?? T0;
            db.Conversations.Add(new Conversation
            {
                ContactId = contact.Id, ChannelType = ChannelType.Email, AssigneeId = assignee, CreatedAt = at, UpdatedAt = at, LastMessageAt = at,
                FirstResponseAt = firstResponse is { } f ? at.AddSeconds(f) : null,
                ResolvedAt = resolved is { } r ? at.AddSeconds(r) : null,
                Status = resolved is null ? ConversationStatus.Open : ConversationStatus.Resolved,
            });
        }

        Add(agent, 60, 600);
        Add(agent, 120, 1200);
        Add(agent, 300, null);
        Add(null, 30, 3600);
        Add(agent, 3600, 7200, created: T0.AddHours(-3));    // answered and resolved before the window: not counted
        Add(agent, 10, 2 * 86400, created: T0.AddHours(20)); // answered in the window, resolved after it: first response only
        await db.SaveChangesAsync();
        return agent;
    }

    [Fact]
    public async Task Inbox_metrics_give_avg_p50_p90_of_first_response_and_resolution_per_agent_and_overall()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        var agent = await SeedAsync(workspaceId);

        var reply = await client.GetJsonAsync("/api/v1/analytics/inbox?from=2026-03-02T10:00:00Z&to=2026-03-03T10:00:00Z&group_by=agent");

        // Agent: first responses 60, 120, 300, 10 → sorted 10, 60, 120, 300: avg 122.5, p50 = rank 2 = 60, p90 = rank 4 = 300.
        //        resolutions 600, 1200 → avg 900, p50 = rank 1 = 600, p90 = rank 2 = 1200.
        // Unassigned: 30 and 3600. Overall first responses 10, 30, 60, 120, 300 → avg 104, p50 = rank 3 = 60, p90 = rank 5 = 300;
        // resolutions 600, 1200, 3600 → avg 1800, p50 = rank 2 = 1200, p90 = rank 3 = 3600.
        AssertStats(reply.GetProperty("first_response"), 5, 104, 60, 300);
        AssertStats(reply.GetProperty("resolution"), 3, 1800, 1200, 3600);
        Assert.Equal(3, reply.GetProperty("conversations_resolved").GetInt32());
        var groups = reply.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!);
        Assert.Equal(new[] { agent.ToString(), "unassigned" }.Order(), groups.Keys.Order());
        AssertStats(groups[agent.ToString()].GetProperty("first_response"), 4, 122.5, 60, 300);
        AssertStats(groups[agent.ToString()].GetProperty("resolution"), 2, 900, 600, 1200);
        Assert.Equal(2, groups[agent.ToString()].GetProperty("conversations_resolved").GetInt32());
        AssertStats(groups["unassigned"].GetProperty("first_response"), 1, 30, 30, 30);
        AssertStats(groups["unassigned"].GetProperty("resolution"), 1, 3600, 3600, 3600);

        var (other, _) = await app.WorkspaceAsync();
        var empty = await other.GetJsonAsync("/api/v1/analytics/inbox?from=2026-03-02T10:00:00Z&to=2026-03-03T10:00:00Z");
        Assert.Empty(empty.GetProperty("groups").EnumerateArray());
        Assert.Equal(0, empty.GetProperty("first_response").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("to=2026-03-03T00:00:00Z", "from")]
    [InlineData("from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z", "to")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&group_by=channel", "group_by")]
    public async Task Bad_inbox_metrics_query_is_400_naming_the_field(string query, string field)
    {
        var (client, _) = await app.WorkspaceAsync();
        var response = await client.GetAsync(new Uri($"/api/v1/analytics/inbox?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static void AssertStats(System.Text.Json.JsonElement stats, int count, double avg, double p50, double p90) =>
        Assert.Equal((count, avg, p50, p90), (stats.GetProperty("count").GetInt32(), stats.GetProperty("avg").GetDouble(), stats.GetProperty("p50").GetDouble(), stats.GetProperty("p90").GetDouble()));
}
