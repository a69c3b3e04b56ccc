using Bunit;
using Hub.Core.Campaigns;
using Hub.Core.Realtime;
using Hub.Web.Features.Campaigns;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace Hub.Web.Tests.Campaigns;

public sealed class CampaignLivePageTests : DashboardTestContext
{
    /// <summary>The page's margin for clocks between a roll-up and a ledger read.</summary>
    private static readonly TimeSpan Margin = new CampaignLiveCounters().ClockMargin;

    private readonly Guid _id = Guid.NewGuid();

    // The page's clock: ledger reads, the re-read margin and the stats refresh interval move only when a test says so.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public CampaignLivePageTests()
    {
        Services.AddScoped<AgentConnection>(sp => Feed = new FakeAgentConnection());
        Services.AddSingleton<TimeProvider>(_clock);
    }

    private FakeAgentConnection Feed { get; set; } = default!;

    // A roll-up of what happened from now on: after the page's last ledger read once the clock is a margin past it.
    private CampaignAnalyticsEventMessage Aggregate(Dictionary<string, int> counts, Dictionary<string, int> human) =>
        new(_id, Guid.NewGuid(), CampaignAnalyticsTypes.Aggregate, Guid.NewGuid(), _clock.GetUtcNow(), _clock.GetUtcNow(), counts, human,
            new Dictionary<string, object?>());

    private static string Value(IRenderedComponent<CampaignLivePage> page, string counter) => page.Find($"[data-testid={counter}-value]").TextContent.Trim();

    [Fact]
    public async Task Counters_and_chart_move_with_the_live_feed_and_pause_calls_the_api()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));

        page.WaitForAssertion(() => Assert.Contains(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignWatch && Equals(i.Argument, new CampaignRef(_id))));
        Assert.Equal(1, Feed.Listeners(RealtimeEventNames.CampaignAnalytics));
        Assert.Equal("0", Value(page, "counter-delivered"));
        _clock.Advance(Margin); // what follows happened after the ledger read (and well within its refresh interval)

        // Three accepted by the provider, then two opens of which one by a person, one human click.
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(new() { [CampaignAnalyticsTypes.Sent] = 3 }, [])));
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(
            new() { [CampaignAnalyticsTypes.Opened] = 2, [CampaignAnalyticsTypes.Clicked] = 1 },
            new() { [CampaignAnalyticsTypes.Opened] = 1, [CampaignAnalyticsTypes.Clicked] = 1 })));
        page.WaitForAssertion(() => Assert.Equal("1", Value(page, "counter-opened")));
        Assert.Equal("3", Value(page, "counter-delivered"));
        Assert.Equal("3", Value(page, "counter-sent"));
        Assert.Equal("1", Value(page, "counter-clicked"));
        Assert.Contains("2 all hits", page.Find("[data-testid=counter-opened-hint]").TextContent, StringComparison.Ordinal);
        Assert.Contains("of 3", page.Find("[data-testid=progress-text]").TextContent, StringComparison.Ordinal);

        // Another campaign's events are not this page's.
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(new() { [CampaignAnalyticsTypes.Opened] = 5 }, new() { [CampaignAnalyticsTypes.Opened] = 5 }) with { CampaignId = Guid.NewGuid() }));
        Assert.Equal("1", Value(page, "counter-opened"));

        var chart = page.FindComponent<MudChart<double>>().Instance;
        var opens = chart.ChartSeries.Single(s => s.Name == "Opens (people)");
        Assert.Equal(1d, opens.Data.Values[^1]);
        Assert.Equal(3d, chart.ChartSeries.Single(s => s.Name == "Delivered").Data.Values[^1]);
        var pointsBefore = opens.Data.Count;

        // A status update carries absolute progress; a further roll-up adds a point to the chart.
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignStatus,
            new CampaignStatusUpdateMessage(_id, Guid.NewGuid(), "running", new CampaignProgressPayload(2, 1, 3, 0.6667), null, DateTimeOffset.UtcNow)));
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(new() { [CampaignAnalyticsTypes.Opened] = 1 }, new() { [CampaignAnalyticsTypes.Opened] = 1 })));
        page.WaitForAssertion(() => Assert.Equal("2", Value(page, "counter-opened")));
        Assert.Equal("2", Value(page, "counter-delivered"));
        Assert.Equal("1", Value(page, "counter-bounced"));
        chart = page.FindComponent<MudChart<double>>().Instance;
        Assert.True(chart.ChartSeries.Single(s => s.Name == "Opens (people)").Data.Count > pointsBefore);
        Assert.Equal(2d, chart.ChartSeries.Single(s => s.Name == "Opens (people)").Data.Values[^1]);

        // Pause goes to the API; the page follows the campaign's new status.
        Api.On(HttpMethod.Post, $"/api/v1/campaigns/{_id}/pause", CampaignSamples.Campaign(_id, CampaignStatus.Paused));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Paused, sent: 2, opensHuman: 2, opensAll: 3));
        page.Find("[data-testid=campaign-pause]").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=campaign-resume]")));
        Assert.Contains(Api.Requests, r => r.Request == $"POST /api/v1/campaigns/{_id}/pause");
        Assert.Empty(page.FindAll("[data-testid=campaign-pause]"));
        Assert.Equal("Paused", page.Find("[data-testid=campaign-status]").TextContent.Trim());

        // Leaving the page leaves the campaign's group.
        await DisposeComponentsAsync();
        Assert.Contains(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignUnwatch);
        Assert.Equal(0, Feed.Listeners(RealtimeEventNames.CampaignAnalytics));
    }

    [Fact]
    public async Task After_a_dropped_connection_the_live_page_watches_again_and_catches_up_from_the_ledger()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running, sent: 1, opensHuman: 0, opensAll: 0));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));
        page.WaitForAssertion(() => Assert.Single(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignWatch));
        page.WaitForAssertion(() => Assert.Equal("1", Value(page, "counter-sent")));

        // While the connection was down the campaign went on: the events of that time never reached the page.
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running, sent: 3, opensHuman: 2, opensAll: 3));
        await page.InvokeAsync(Feed.SimulateReconnectAsync);

        page.WaitForAssertion(() => Assert.Equal(2, Feed.Invoked.Count(i => i.Method == RealtimeEventNames.CampaignWatch))); // the group is joined again
        page.WaitForAssertion(() => Assert.Equal("3", Value(page, "counter-sent")));
        Assert.Equal("2", Value(page, "counter-opened"));

        // And live events after the catch-up read count on top of the caught-up numbers.
        _clock.Advance(Margin);
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(
            new() { [CampaignAnalyticsTypes.Opened] = 1 }, new() { [CampaignAnalyticsTypes.Opened] = 1 })));
        page.WaitForAssertion(() => Assert.Equal("3", Value(page, "counter-opened")));
    }

    [Fact]
    public async Task A_roll_up_that_overlaps_a_ledger_read_makes_the_page_read_the_ledger_again_instead_of_counting_twice()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running, sent: 3, opensHuman: 3, opensAll: 3));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));
        page.WaitForAssertion(() => Assert.Single(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignWatch));
        page.WaitForAssertion(() => Assert.Equal("3", Value(page, "counter-opened")));
        var reads = Api.Requests.Count(r => r.Request.EndsWith("/stats", StringComparison.Ordinal));

        // The third open's roll-up began before the read ended: it may be in the 3 already. The page asks the ledger.
        var straddling = Aggregate(new() { [CampaignAnalyticsTypes.Opened] = 1 }, new() { [CampaignAnalyticsTypes.Opened] = 1 }) with
        {
            Since = _clock.GetUtcNow().AddSeconds(-2),
        };
        await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, straddling));
        Assert.Equal("3", Value(page, "counter-opened"));
        // Not at once: the page waits out the clocks' margin first, so the roll-up is surely in what it reads.
        _clock.Advance(Margin - TimeSpan.FromMilliseconds(1));
        Assert.Equal(reads, Api.Requests.Count(r => r.Request.EndsWith("/stats", StringComparison.Ordinal)));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.True(Api.Requests.Count(r => r.Request.EndsWith("/stats", StringComparison.Ordinal)) > reads));
        page.WaitForAssertion(() => Assert.False(page.Instance.Counters.NeedsLedgerRead));
        Assert.Equal("3", Value(page, "counter-opened"));
    }

    [Fact]
    public async Task Unique_people_move_live_from_one_ledger_read_per_refresh_interval()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Completed));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Completed, sent: 3));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));
        page.WaitForAssertion(() => Assert.Single(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignWatch));
        page.WaitForAssertion(() => Assert.Contains("0 unique", page.Find("[data-testid=counter-opened-hint]").TextContent, StringComparison.Ordinal));
        int Reads() => Api.Requests.Count(r => r.Request.EndsWith("/stats", StringComparison.Ordinal));
        var reads = Reads();
        _clock.Advance(Margin);

        // The campaign has finished sending (no status updates come any more); people open it, twice each.
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Completed, sent: 3, opensHuman: 2, opensAll: 4));
        for (var i = 0; i < 4; i++)
        {
            await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(
                new() { [CampaignAnalyticsTypes.Opened] = 1 }, new() { [CampaignAnalyticsTypes.Opened] = 1 })));
        }

        page.WaitForAssertion(() => Assert.Contains("4 all hits", page.Find("[data-testid=counter-opened-hint]").TextContent, StringComparison.Ordinal));
        Assert.Equal(reads, Reads()); // not a read per event

        var interval = TimeSpan.FromSeconds(5);
        _clock.Advance(interval - Margin - TimeSpan.FromMilliseconds(1));
        Assert.Equal(reads, Reads());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Contains("2 unique", page.Find("[data-testid=counter-opened-hint]").TextContent, StringComparison.Ordinal));
        Assert.Equal(reads + 1, Reads());
    }

    [Fact]
    public async Task The_chart_never_repeats_a_time_label()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));
        page.WaitForAssertion(() => Assert.Single(Feed.Invoked, i => i.Method == RealtimeEventNames.CampaignWatch));
        _clock.Advance(Margin);

        // Many roll-ups within the same second, then some a second later.
        for (var i = 0; i < 30; i++)
        {
            if (i == 20)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
            }

            await page.InvokeAsync(() => Feed.RaiseAsync(RealtimeEventNames.CampaignAnalytics, Aggregate(new() { [CampaignAnalyticsTypes.Sent] = 1 }, [])));
        }

        var labels = page.FindComponent<MudChart<double>>().Instance.ChartLabels.Where(l => l.Length > 0).ToList();
        Assert.True(labels.Count >= 2, string.Join(",", labels));
        Assert.Equal(labels.Count, labels.Distinct().Count());
    }

    [Fact]
    public void Stop_asks_for_confirmation_before_calling_the_api()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", CampaignSamples.Campaign(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Running));
        Api.On(HttpMethod.Post, $"/api/v1/campaigns/{_id}/stop", CampaignSamples.Campaign(_id, CampaignStatus.Cancelled));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));
        page.WaitForElement("[data-testid=campaign-stop]").Click();
        Assert.DoesNotContain(Api.Requests, r => r.Request.EndsWith("/stop", StringComparison.Ordinal));
        page.Find("[data-testid=stop-confirm-no]").Click();
        Assert.Empty(page.FindAll("[data-testid=stop-confirm]"));

        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}/stats", CampaignSamples.Stats(_id, CampaignStatus.Cancelled));
        page.Find("[data-testid=campaign-stop]").Click();
        page.Find("[data-testid=stop-confirm-yes]").Click();
        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == $"POST /api/v1/campaigns/{_id}/stop"));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=campaign-stop]")));
    }

    [Fact]
    public void An_unknown_campaign_says_so_instead_of_showing_zero_counters()
    {
        Api.On(HttpMethod.Get, $"/api/v1/campaigns/{_id}", (_, _) => FakeApi.Problem(404, "Campaign not found."));
        var page = Render<CampaignLivePage>(p => p.Add(x => x.Id, _id));

        page.WaitForAssertion(() => Assert.Contains("No such campaign", page.Find("[data-testid=campaign-missing]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=counter-delivered-value]"));
        Assert.Empty(page.FindAll("[data-testid=live-problem]"));
        Assert.DoesNotContain(Api.Requests, r => r.Request.EndsWith("/stats", StringComparison.Ordinal));
    }
}
