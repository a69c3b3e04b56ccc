using Hub.Core.Campaigns;
using Hub.Core.Realtime;

namespace Hub.Web.Features.Campaigns;

/// <summary>One point of the live chart: cumulative numbers at a moment.</summary>
public sealed record LivePoint(DateTimeOffset At, int Delivered, int Bounced, int HumanOpens, int HumanClicks);

/// <summary>
/// The live page's numbers. The ledger (<c>/stats</c>) is the truth and replaces everything it knows; between two reads,
/// <c>campaign.status</c> brings absolute progress and <c>campaign.analytics</c> roll-ups add what happened since the previous
/// one (all hits, and the part people made). Unique-person counts and per-variant numbers only come from the ledger.
/// </summary>
/// <remarks>
/// A roll-up and a ledger read can overlap: the hit a roll-up counts may already be in a read that finished just before
/// the roll-up arrived, or missing from a read that was answered after it. Each read is placed in time (from just before
/// the request to just after the answer) and each roll-up by its window (<c>since</c> … <c>timestamp</c>; its counts were
/// stored before they were counted): a roll-up wholly before the read is already in it and is not added again, one wholly
/// after is added on top (and again on top of the next read if that one is older still), and one that straddles the read
/// is not guessed at — <see cref="NeedsLedgerRead"/> asks the page to read the ledger again.
/// </remarks>
public sealed class CampaignLiveCounters
{
    private const int MaxPoints = 120;
    private const int MaxUnread = 1000;
    private readonly List<LivePoint> _points = [];
    private readonly List<CampaignAnalyticsEventMessage> _unread = []; // roll-ups added on top of the last ledger read
    private (DateTimeOffset From, DateTimeOffset To)? _read;

    /// <summary>Slack for clocks: between nodes, and between a hit being stored and its being counted.</summary>
    public TimeSpan ClockMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A roll-up may or may not be in the last ledger read: read the ledger again (at least <see cref="ClockMargin"/> later).</summary>
    public bool NeedsLedgerRead { get; private set; }

    public CampaignStatus? Status { get; private set; }

    /// <summary>Recipients of the run (sent, failed, skipped or waiting).</summary>
    public int Total { get; private set; }

    /// <summary>Messages that went out: accepted by the provider or failed after trying.</summary>
    public int Sent => Delivered + Bounced;

    /// <summary>Accepted by the provider.</summary>
    public int Delivered { get; private set; }

    /// <summary>Failed or bounced.</summary>
    public int Bounced { get; private set; }

    /// <summary>Not sent on purpose (no address, unsubscribed, capped…); known from the ledger only.</summary>
    public int Skipped { get; private set; }

    public int OpensAll { get; private set; }

    public int OpensHuman { get; private set; }

    public int OpensUniqueHuman { get; private set; }

    public int ClicksAll { get; private set; }

    public int ClicksHuman { get; private set; }

    public int ClicksUniqueHuman { get; private set; }

    public int Unsubscribed { get; private set; }

    /// <summary>Per-variant numbers from the last ledger read.</summary>
    public IReadOnlyList<VariantStatsDto> Variants { get; private set; } = [];

    public DateTimeOffset? AbDecisionDueAt { get; private set; }

    /// <summary>The A/B winner announced live (<c>ab_winner_decided</c>) or marked in the ledger read.</summary>
    public string? Winner { get; private set; }

    public IReadOnlyList<LivePoint> Points => _points;

    /// <summary>Share of the run that is done (sent, failed or skipped), 0–100.</summary>
    public double PercentDone => Total == 0 ? 0 : Math.Min(100, Math.Round(100.0 * (Sent + Skipped) / Total, 1));

    /// <summary>Takes the ledger's numbers, read between <paramref name="readFrom"/> (before the request) and <paramref name="readTo"/> (after the answer).</summary>
    public void Apply(CampaignStatsDto stats, DateTimeOffset readFrom, DateTimeOffset readTo)
    {
        ArgumentNullException.ThrowIfNull(stats);
        _read = (readFrom, readTo);
        NeedsLedgerRead = false;
        Status = stats.Status;
        Total = stats.Total;
        Delivered = stats.States.Sent;
        Bounced = stats.States.Failed;
        Skipped = stats.States.Skipped;
        OpensAll = stats.Opens.Raw;
        OpensHuman = stats.Opens.Human;
        OpensUniqueHuman = stats.Opens.UniqueHuman;
        ClicksAll = stats.Clicks.Raw;
        ClicksHuman = stats.Clicks.Human;
        ClicksUniqueHuman = stats.Clicks.UniqueHuman;
        Unsubscribed = stats.Unsubscribes;
        Variants = stats.Variants ?? [];
        AbDecisionDueAt = stats.AbDecisionDueAt;
        Winner = Variants.FirstOrDefault(v => v.Winner)?.Name ?? Winner;

        // Roll-ups added on top of the previous read: still on top if they came after this one too.
        var unread = _unread.ToList();
        _unread.Clear();
        foreach (var rollUp in unread)
        {
            switch (Place(rollUp))
            {
                case Overlap.After:
                    Add(rollUp);
                    break;
                case Overlap.Straddles:
                    NeedsLedgerRead = true;
                    break;
            }
        }

        Mark(stats.UpdatedAt);
    }

    /// <summary>Takes a <c>campaign.status</c> update (absolute progress of the current run).</summary>
    public void Apply(CampaignStatusUpdateMessage update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (CampaignLabels.FromLiveWord(update.Status) is { } status)
        {
            Status = status;
        }

        Total = update.Progress.TotalTargets;
        Delivered = update.Progress.Sent;
        Bounced = update.Progress.Failed;
        Mark(update.UpdatedAt);
    }

    /// <summary>Adds a <c>campaign.analytics</c> roll-up, or notes an A/B decision. Returns whether anything changed.</summary>
    public bool Apply(CampaignAnalyticsEventMessage analytics)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        if (analytics.EventType == CampaignAnalyticsTypes.AbWinnerDecided)
        {
            Winner = analytics.Metadata?.TryGetValue("winner", out var winner) == true ? winner?.ToString() : Winner;
            return true;
        }

        if (analytics.EventType != CampaignAnalyticsTypes.Aggregate)
        {
            return false;
        }

        switch (Place(analytics))
        {
            case Overlap.Before:
                return false; // the last ledger read has it
            case Overlap.Straddles:
                NeedsLedgerRead = true;
                return true;
        }

        Add(analytics);
        Mark(analytics.Timestamp);
        return true;
    }

    private Overlap Place(CampaignAnalyticsEventMessage rollUp)
    {
        if (_read is not { } read)
        {
            return Overlap.After;
        }

        if (rollUp.Timestamp <= read.From - ClockMargin)
        {
            return Overlap.Before;
        }

        return rollUp.Since is { } since && since >= read.To + ClockMargin ? Overlap.After : Overlap.Straddles;
    }

    private void Add(CampaignAnalyticsEventMessage analytics)
    {
        if (_unread.Count >= MaxUnread)
        {
            NeedsLedgerRead = true; // a read replaces them all
        }
        else
        {
            _unread.Add(analytics);
        }

        int All(string key) => analytics.Counts?.GetValueOrDefault(key) ?? 0;
        int People(string key) => analytics.Human?.GetValueOrDefault(key) ?? 0;
        Delivered += All(CampaignAnalyticsTypes.Sent);
        Bounced += All(CampaignAnalyticsTypes.Failed);
        OpensAll += All(CampaignAnalyticsTypes.Opened);
        OpensHuman += People(CampaignAnalyticsTypes.Opened);
        ClicksAll += All(CampaignAnalyticsTypes.Clicked);
        ClicksHuman += People(CampaignAnalyticsTypes.Clicked);
        Unsubscribed += All(CampaignAnalyticsTypes.Unsubscribed);
    }

    private void Mark(DateTimeOffset at)
    {
        var point = new LivePoint(at, Delivered, Bounced, OpensHuman, ClicksHuman);
        if (_points.Count > 0 && _points[^1] with { At = at } == point)
        {
            return; // nothing moved: the chart keeps its last point
        }

        _points.Add(point);
        if (_points.Count > MaxPoints)
        {
            _points.RemoveAt(0);
        }
    }

    private enum Overlap
    {
        Before,
        Straddles,
        After,
    }
}
