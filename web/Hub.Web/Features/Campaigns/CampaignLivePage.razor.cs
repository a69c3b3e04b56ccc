using Hub.Core.Campaigns;
using Hub.Core.Realtime;
using Hub.Web.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Hub.Web.Features.Campaigns;

/// <summary>
/// A campaign as it sends: the ledger's numbers (<c>/stats</c>) moved live by <c>campaign.status</c> and
/// <c>campaign.analytics</c> from <c>/hubs/agent</c> (joined with <c>campaign.watch</c>, left on dispose, re-joined and
/// re-read after a reconnect), with pause, resume and stop.
/// </summary>
public sealed partial class CampaignLivePage
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly CancellationTokenSource _gone = new();
    private readonly LineChartOptions _chartOptions = new() { ShowDataMarkers = false, YAxisRequireZeroPoint = true, LineStrokeWidth = 2.5 };
    private CampaignDto? _campaign;
    private ApiProblem? _problem;
    private bool _missing;
    private bool _busy;
    private bool _confirmStop;
    private bool _live;
    private bool _watching;
    private DateTimeOffset _statsReadAt = DateTimeOffset.MinValue;
    private bool _rereadScheduled;

    [Inject]
    private HubApi Api { get; set; } = default!;

    [Inject]
    private AgentConnection Live { get; set; } = default!;

    /// <summary>When the ledger was read and when a re-read is due: Hub's clock, so the waits can be stepped over in tests.</summary>
    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    /// <summary>The campaign.</summary>
    [Parameter]
    public Guid Id { get; set; }

    /// <summary>How often at most a live status update makes the page re-read the ledger (per-variant and unique numbers).</summary>
    private static readonly TimeSpan StatsRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The page's numbers (tests read them).</summary>
    public CampaignLiveCounters Counters { get; } = new();

    private CampaignStatus? Status => Counters.Status ?? _campaign?.Status;

    private List<ChartSeries<double>> Series =>
    [
        new() { Name = "Delivered", Data = Counters.Points.Select(p => (double)p.Delivered).ToArray() },
        new() { Name = "Opens (people)", Data = Counters.Points.Select(p => (double)p.HumanOpens).ToArray() },
        new() { Name = "Clicks (people)", Data = Counters.Points.Select(p => (double)p.HumanClicks).ToArray() },
        new() { Name = "Bounced", Data = Counters.Points.Select(p => (double)p.Bounced).ToArray() },
    ];

    private string[] Labels
    {
        get
        {
            var points = Counters.Points;
            // About eight labels, and never the same time twice (several points can fall in one second).
            var every = Math.Max(1, points.Count / 8);
            var labels = new string[points.Count];
            string? last = null;
            for (var i = 0; i < points.Count; i++)
            {
                var text = points[i].At.ToLocalTime().ToString("HH:mm:ss");
                var due = i % every == 0 || i == points.Count - 1;
                labels[i] = due && text != last ? text : "";
                last = labels[i].Length > 0 ? text : last;
            }

            return labels;
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var campaign = await Api.GetAsync<CampaignDto>($"api/v1/campaigns/{Id}");
        _campaign = campaign.Value;
        _missing = campaign.Problem?.Status == 404;
        _problem = _missing ? null : campaign.Problem;
        if (campaign.Ok)
        {
            await ReadStatsAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Only the interactive render watches (a prerender has no circuit to push to).
        if (firstRender && _campaign is not null)
        {
            try
            {
                _subscriptions.Add(await Live.OnAsync<CampaignStatusUpdateMessage>(RealtimeEventNames.CampaignStatus, OnStatusAsync));
                _subscriptions.Add(await Live.OnAsync<CampaignAnalyticsEventMessage>(RealtimeEventNames.CampaignAnalytics, OnAnalyticsAsync));
                Live.Reconnected += OnReconnectedAsync;
                await WatchAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TimeoutException or Microsoft.AspNetCore.SignalR.HubException)
            {
                _live = false;
                _problem = new ApiProblem(503, "Live updates are unavailable; the numbers will not move until you reload.", ex.Message, new Dictionary<string, string[]>());
            }

            StateHasChanged();
        }
    }

    private async Task WatchAsync()
    {
        var status = await Live.InvokeAsync<CampaignStatusUpdateMessage>(RealtimeEventNames.CampaignWatch, new CampaignRef(Id));
        _watching = true;
        _live = true;
        if (status is not null)
        {
            Counters.Apply(status);
        }
    }

    private Task OnStatusAsync(CampaignStatusUpdateMessage update) => InvokeAsync(async () =>
    {
        if (update.CampaignId != Id)
        {
            return;
        }

        Counters.Apply(update);
        StateHasChanged();
        if (Clock.GetUtcNow() - _statsReadAt >= StatsRefreshInterval)
        {
            await ReadStatsAsync();
            StateHasChanged();
        }
    });

    private Task OnAnalyticsAsync(CampaignAnalyticsEventMessage analytics) => InvokeAsync(() =>
    {
        if (analytics.CampaignId == Id && Counters.Apply(analytics))
        {
            StateHasChanged();
            RereadIfNeeded();
            RefreshUniquesSoon();
        }
    });

    /// <summary>
    /// Unique people who opened or clicked come only from the ledger: after live activity, read it again once the refresh
    /// interval since the last read has passed (one read per interval however many events arrive), so they move live too.
    /// </summary>
    private void RefreshUniquesSoon()
    {
        if (_rereadScheduled || _gone.IsCancellationRequested)
        {
            return;
        }

        var wait = StatsRefreshInterval - (Clock.GetUtcNow() - _statsReadAt);
        _rereadScheduled = true;
        _ = RereadAfterAsync(wait > Counters.ClockMargin ? wait : Counters.ClockMargin);
    }

    /// <summary>A roll-up overlapped the last ledger read: read the ledger again once the margin has passed (once per margin).</summary>
    private void RereadIfNeeded()
    {
        if (!Counters.NeedsLedgerRead || _rereadScheduled || _gone.IsCancellationRequested)
        {
            return;
        }

        _rereadScheduled = true;
        _ = RereadAfterAsync(Counters.ClockMargin);
    }

    private async Task RereadAfterAsync(TimeSpan wait)
    {
        try
        {
            // The wait is armed before this returns to the caller, so a clock moved right after the roll-up ends it.
            await Task.Delay(wait, Clock, _gone.Token);
            await InvokeAsync(async () =>
            {
                if (_gone.IsCancellationRequested)
                {
                    return; // the page went while the delay ended
                }

                _rereadScheduled = false;
                await ReadStatsAsync();
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // The page is gone.
        }
    }

    /// <summary>After a dropped connection: join the campaign's group again and re-read what was missed from the ledger.</summary>
    private Task OnReconnectedAsync() => InvokeAsync(async () =>
    {
        await WatchAsync();
        await ReadStatsAsync();
        StateHasChanged();
    });

    private async Task ReadStatsAsync()
    {
        var from = Clock.GetUtcNow();
        var stats = await Api.GetAsync<CampaignStatsDto>($"api/v1/campaigns/{Id}/stats");
        _statsReadAt = Clock.GetUtcNow();
        if (stats.Value is { } value)
        {
            Counters.Apply(value, from, _statsReadAt);
            RereadIfNeeded();
        }
        else
        {
            _problem = stats.Problem;
        }
    }

    private async Task StartAsync()
    {
        _busy = true;
        var started = await Api.PostAsync<CampaignStartResult>($"api/v1/campaigns/{Id}/start", null);
        _busy = false;
        _problem = started.Problem;
        if (started.Value is { } value)
        {
            _campaign = value.Campaign;
            await ReadStatsAsync();
        }
    }

    private Task PauseAsync() => ControlAsync("pause");

    private Task ResumeAsync() => ControlAsync("resume");

    private async Task StopAsync()
    {
        await ControlAsync("stop");
        _confirmStop = false;
    }

    private async Task ControlAsync(string action)
    {
        _busy = true;
        var moved = await Api.PostAsync<CampaignDto>($"api/v1/campaigns/{Id}/{action}", null);
        _busy = false;
        _problem = moved.Problem;
        if (moved.Value is { } campaign)
        {
            _campaign = campaign;
            await ReadStatsAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gone.CancelAsync();
        _gone.Dispose();
        Live.Reconnected -= OnReconnectedAsync;
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        if (_watching)
        {
            try
            {
                await Live.SendAsync(RealtimeEventNames.CampaignUnwatch, new CampaignRef(Id));
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TimeoutException or OperationCanceledException
                or Microsoft.AspNetCore.SignalR.HubException)
            {
                // The connection is gone with the circuit: its groups went with it.
            }
        }
    }
}
