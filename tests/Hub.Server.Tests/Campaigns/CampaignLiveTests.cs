using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Campaigns.CampaignTrackingTests;

namespace Hub.Server.Tests.Campaigns;

/// <summary>Watchers of a campaign on <c>/hubs/agent</c> get its status and aggregated analytics live.</summary>
public sealed class CampaignLiveTests(LiveCampaignApp app) : IClassFixture<LiveCampaignApp>
{
    private static int Opened(JsonElement e, string part = "counts") =>
        e.GetProperty(part).TryGetProperty(CampaignAnalyticsTypes.Opened, out var n) ? n.GetInt32() : 0;

    [Fact]
    public async Task A_watcher_gets_status_progress_up_to_completion_and_500_pixel_hits_arrive_as_a_handful_of_roll_ups()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"lv{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 5);
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = "Live", type = "email", template_id = templateId, audience = Audience(tag) });
        await using var agent = await app.ConnectAgentAsync(admin);
        var now = await agent.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(id));
        Assert.Equal(("pending", 0), (now.GetProperty("status").GetString(), now.GetProperty("progress").GetProperty("total_targets").GetInt32()));

        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();
        var done = await agent.WaitForAsync(RealtimeEventNames.CampaignStatus,
            e => e.GetProperty("status").GetString() == "completed" && e.GetProperty("progress").GetProperty("sent").GetInt32() == 5);
        Assert.Equal(id, done.GetProperty("campaign_id").GetGuid());
        Assert.Equal(5, done.GetProperty("progress").GetProperty("total_targets").GetInt32());
        Assert.Equal(1.0, done.GetProperty("progress").GetProperty("success_rate").GetDouble());
        Assert.NotEqual(Guid.Empty, done.GetProperty("execution_id").GetGuid());
        var sentSoFar = agent.Events.Where(e => e.Name == RealtimeEventNames.CampaignStatus)
            .Select(e => e.Data.GetProperty("progress").GetProperty("sent").GetInt32()).ToList();
        Assert.Equal(sentSoFar.Order(), sentSoFar); // progress only grows
        await agent.WaitForAsync(RealtimeEventNames.CampaignAnalytics, e => e.GetProperty("counts").TryGetProperty(CampaignAnalyticsTypes.Sent, out _));

        // 500 pixel hits as fast as they come: a few roll-ups, at most one per live interval, adding up to 500.
        var before = agent.Events.Count;
        var links = (await app.LedgerAsync(id)).Select(r => Link(app.Sender.Envelopes.Single(e => e.MessageId == r.MessageId), "open")).ToList();
        using var web = app.Anonymous();
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await HitAsync(web, links[i % links.Count], Chrome));
        var elapsed = DateTime.UtcNow - started;
        await app.FlushHitsAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<JsonElement> rollUps;
        do
        {
            await Task.Delay(100);
            rollUps = [.. agent.Events.Skip(before).Where(e => e.Name == RealtimeEventNames.CampaignAnalytics && Opened(e.Data) > 0).Select(e => e.Data)];
        }
        while (rollUps.Sum(e => Opened(e)) < 500 && DateTime.UtcNow < deadline);

        Assert.Equal(500, rollUps.Sum(e => Opened(e)));
        Assert.Equal(500, rollUps.Sum(e => Opened(e, "human")));
        Assert.All(rollUps, e => Assert.Equal("aggregate", e.GetProperty("event_type").GetString()));
        var allowed = (int)Math.Ceiling((elapsed.TotalMilliseconds + 1000) / 250) + 2; // the hits' spread plus the writer's flush, in live intervals
        Assert.InRange(rollUps.Count, 1, Math.Min(allowed, 20));
        var times = rollUps.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(200), $"{pair.First:O} → {pair.Second:O}"));

        // Unwatched: nothing more arrives, though hits keep coming.
        await agent.Connection.InvokeAsync(RealtimeEventNames.CampaignUnwatch, new CampaignRef(id));
        var quiet = agent.Events.Count;
        await HitAsync(web, links[0], Chrome);
        await app.FlushHitsAsync();
        // Drive the live roll-up to the moment it would send, then fence with a call of the agent's own: its answer
        // comes after anything the roll-up sent this connection.
        await app.Services.GetRequiredService<Hub.Server.Modules.Campaigns.CampaignLive>().FlushAsync(CancellationToken.None);
        await agent.Connection.InvokeAsync(RealtimeEventNames.CampaignUnwatch, new CampaignRef(id));
        Assert.Equal(quiet, agent.Events.Count);
    }

    [Fact]
    public async Task Another_workspace_cannot_watch_the_campaign()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = "Mine", type = "email", template_id = templateId, audience = Audience("nobody") });
        var (stranger, _) = await app.WorkspaceAsync();
        await using var spy = await app.ConnectAgentAsync(stranger);

        var refused = await Assert.ThrowsAsync<HubException>(() => spy.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(id)));
        Assert.Contains("not_found", refused.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<HubException>(() => spy.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(Guid.NewGuid())));
        Assert.Contains("not_found", unknown.Message, StringComparison.Ordinal);

        // The owner may; the refused spy's connection is still usable.
        await using var owner = await app.ConnectAgentAsync(admin);
        var status = await owner.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.CampaignWatch, new CampaignRef(id));
        Assert.Equal("pending", status.GetProperty("status").GetString());
        Assert.Equal(HubConnectionState.Connected, spy.Connection.State);
    }
}
