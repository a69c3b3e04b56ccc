using System.Security.Cryptography;
using Hub.Core.Campaigns;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

using Hub.Server.Modules.Realtime;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// The per-node aggregator of a campaign's live updates. Ledger moves and tracking hits only mark the campaign
/// (<see cref="Changed"/>, <see cref="Count"/>: memory, no I/O); every <see cref="CampaignOptions.LiveInterval"/>
/// each marked campaign gets at most one <c>campaign.analytics</c> (the counts since its previous one) and one
/// <c>campaign.status</c> (read from the ledger, sent when it differs from the last one). A campaign nobody changed
/// gets nothing. Messages go to the campaign's group on <c>/hubs/agent</c>, which the Redis backplane spans.
/// </summary>
public sealed partial class CampaignLive(
    IServiceScopeFactory scopes,
    AgentClients hub,
    IOptions<CampaignOptions> options,
    TimeProvider clock,
    ILogger<CampaignLive> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CampaignStatusUpdateMessage> _lastStatus = [];
    private Dictionary<Guid, Marks> _marks = [];

    /// <summary>The hub group of a campaign's watchers.</summary>
    public static string Group(Guid campaignId) => $"campaign:{campaignId:N}";

    /// <summary>The spec's <c>execution_id</c>: a stable id of one run of a campaign.</summary>
    public static Guid ExecutionId(Guid campaignId, int run)
    {
        Span<byte> input = stackalloc byte[20];
        campaignId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], run);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: a name-based id of Hub's own
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The spec's status word for a campaign status (draft and scheduled are <c>pending</c>).</summary>
    public static string StatusWord(CampaignStatus status) => status switch
    {
        CampaignStatus.Draft or CampaignStatus.Scheduled => "pending",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The campaign's ledger or status moved: its watchers get a fresh <c>campaign.status</c> at the next flush.</summary>
    public void Changed(Guid workspaceId, Guid campaignId)
    {
        lock (_gate)
        {
            MarksOf(workspaceId, campaignId).Status = true;
        }
    }

    /// <summary>Marks the campaign as <see cref="Changed(Guid, Guid)"/> once <paramref name="work"/> commits; not if it rolls back.</summary>
    public void Changed(UnitOfWork work, Guid workspaceId, Guid campaignId)
    {
        ArgumentNullException.ThrowIfNull(work);
        work.AfterCommit(() => Changed(workspaceId, campaignId));
    }

    /// <summary>Adds the counts to the roll-up (<see cref="Count(Guid, Guid, string, bool, int)"/>) once <paramref name="work"/> commits.</summary>
    public void Count(UnitOfWork work, Guid workspaceId, Guid campaignId, string type, bool human, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(work);
        work.AfterCommit(() => Count(workspaceId, campaignId, type, human, count));
    }

    /// <summary>Adds <paramref name="count"/> events of <paramref name="type"/> (a <see cref="CampaignAnalyticsTypes"/> key) to the next roll-up.</summary>
    public void Count(Guid workspaceId, Guid campaignId, string type, bool human, int count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_gate)
        {
            var marks = MarksOf(workspaceId, campaignId);
            marks.Counts[type] = marks.Counts.GetValueOrDefault(type) + count;
            if (human)
            {
                marks.Human[type] = marks.Human.GetValueOrDefault(type) + count;
            }

            if (type is CampaignAnalyticsTypes.Sent or CampaignAnalyticsTypes.Failed)
            {
                marks.Status = true;
            }
        }
    }

    /// <summary>Sends a one-off analytics event (an A/B decision) to the campaign's watchers now.</summary>
    public Task PublishAsync(CampaignAnalyticsEventMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return hub.Clients.Group(Group(message.CampaignId)).CampaignAnalytics(message);
    }

    /// <summary>Sends what is marked now (the background loop calls it every interval; tests may too).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<Guid, Marks> marks;
        lock (_gate)
        {
            if (_marks.Count == 0)
            {
                return;
            }

            marks = _marks;
            _marks = [];
        }

        var now = clock.GetUtcNow();
        foreach (var (campaignId, mark) in marks)
        {
            try
            {
                CampaignStatusUpdateMessage? status = null;
                if (mark.Status || mark.Counts.Count > 0)
                {
                    status = await StatusAsync(mark.WorkspaceId, campaignId, now, cancellationToken);
                }

                if (mark.Counts.Count > 0)
                {
                    await hub.Clients.Group(Group(campaignId)).CampaignAnalytics(new CampaignAnalyticsEventMessage(
                        campaignId, Guid.CreateVersion7(), CampaignAnalyticsTypes.Aggregate, status?.ExecutionId ?? Guid.Empty, now, mark.Since,
                        mark.Counts, mark.Human, new Dictionary<string, object?>()));
                }

                if (mark.Status && status is not null && IsNews(status))
                {
                    await hub.Clients.Group(Group(campaignId)).CampaignStatus(status);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogFlushFailed(logger, ex, campaignId);
            }
        }
    }

    /// <summary>A campaign's status and progress from its ledger; null when it no longer exists.</summary>
    public async Task<CampaignStatusUpdateMessage?> StatusAsync(Guid workspaceId, Guid campaignId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.Status, c.CurrentRun, c.LastError }).FirstOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var run = campaign.CurrentRun;
        var states = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId && r.Run == run)
            .GroupBy(r => r.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var sent = states.Where(s => s.State == RecipientState.Sent).Sum(s => s.Count);
        var failed = states.Where(s => s.State == RecipientState.Failed).Sum(s => s.Count);
        var attempted = sent + failed;
        var progress = new CampaignProgressPayload(sent, failed, states.Sum(s => s.Count), attempted == 0 ? 0 : Math.Round((double)sent / attempted, 4));
        var error = campaign.LastError is { } message ? new CampaignErrorPayload("campaign_failed", message) : null;
        return new CampaignStatusUpdateMessage(campaignId, ExecutionId(campaignId, run), StatusWord(campaign.Status), progress, error, now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LiveInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Marks MarksOf(Guid workspaceId, Guid campaignId)
    {
        if (!_marks.TryGetValue(campaignId, out var marks))
        {
            marks = new Marks(workspaceId, clock.GetUtcNow());
            _marks[campaignId] = marks;
        }

        return marks;
    }

    /// <summary>Whether the status differs from the last one sent for the campaign (its time aside).</summary>
    private bool IsNews(CampaignStatusUpdateMessage status)
    {
        var key = status.CampaignId.ToString("N");
        lock (_gate)
        {
            if (_lastStatus.TryGetValue(key, out var last) && last with { UpdatedAt = status.UpdatedAt } == status)
            {
                return false;
            }

            if (status.Status is "completed" or "cancelled" or "failed")
            {
                _lastStatus.Remove(key); // the campaign is over: keep no memory of it
            }
            else
            {
                _lastStatus[key] = status;
            }

            return true;
        }
    }

    private sealed class Marks(Guid workspaceId, DateTimeOffset since)
    {
        public Guid WorkspaceId { get; } = workspaceId;

        public DateTimeOffset Since { get; } = since;

        public bool Status { get; set; }

        public Dictionary<string, int> Counts { get; } = [];

        public Dictionary<string, int> Human { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: live update failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, Guid campaignId);
}
