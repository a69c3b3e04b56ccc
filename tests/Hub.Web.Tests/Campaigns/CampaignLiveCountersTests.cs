using Hub.Core.Campaigns;
using Hub.Core.Realtime;
using Hub.Web.Features.Campaigns;

namespace Hub.Web.Tests.Campaigns;

/// <summary>The live page's arithmetic when a roll-up and a ledger read overlap in time (margin 1 s).</summary>
public sealed class CampaignLiveCountersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly Guid _id = Guid.NewGuid();
    private readonly CampaignLiveCounters _counters = new() { ClockMargin = TimeSpan.FromSeconds(1) };

    private CampaignAnalyticsEventMessage Opens(int people, DateTimeOffset since, DateTimeOffset at) =>
        new(_id, Guid.NewGuid(), CampaignAnalyticsTypes.Aggregate, Guid.NewGuid(), at, since,
            new Dictionary<string, int> { [CampaignAnalyticsTypes.Opened] = people }, new Dictionary<string, int> { [CampaignAnalyticsTypes.Opened] = people },
            new Dictionary<string, object?>());

    private void Read(int opens, DateTimeOffset from, DateTimeOffset to) =>
        _counters.Apply(CampaignSamples.Stats(_id, CampaignStatus.Running, sent: 3, opensHuman: opens, opensAll: opens), from, to);

    [Fact]
    public void A_roll_up_the_ledger_read_already_counted_is_not_counted_again()
    {
        // The third open was rolled up at 12:00:05 and its answer reached the page after a read that began at 12:00:08.
        Read(3, T0.AddSeconds(8), T0.AddSeconds(8.2));

        Assert.False(_counters.Apply(Opens(1, T0.AddSeconds(4.8), T0.AddSeconds(5))));

        Assert.Equal(3, _counters.OpensHuman);
        Assert.False(_counters.NeedsLedgerRead);
    }

    [Fact]
    public void A_roll_up_after_the_read_counts_on_top_and_the_next_read_that_has_it_replaces_it()
    {
        Read(2, T0, T0.AddSeconds(0.2));
        Assert.True(_counters.Apply(Opens(1, T0.AddSeconds(3), T0.AddSeconds(3.25))));
        Assert.Equal(3, _counters.OpensHuman);

        Read(3, T0.AddSeconds(6), T0.AddSeconds(6.1));

        Assert.Equal(3, _counters.OpensHuman);
        Assert.False(_counters.NeedsLedgerRead);
    }

    [Fact]
    public void A_read_older_than_a_roll_up_already_shown_keeps_the_roll_up_on_top()
    {
        // The read's answer (taken before the open) arrives after the open's roll-up was shown.
        Read(2, T0, T0.AddSeconds(0.1));
        _counters.Apply(Opens(1, T0.AddSeconds(5), T0.AddSeconds(5.25)));
        Read(2, T0.AddSeconds(2), T0.AddSeconds(2.5));

        Assert.Equal(3, _counters.OpensHuman);
        Assert.False(_counters.NeedsLedgerRead);
    }

    [Fact]
    public void A_roll_up_that_straddles_the_read_is_not_guessed_at_and_asks_for_a_new_read()
    {
        Read(3, T0.AddSeconds(5), T0.AddSeconds(5.2));

        Assert.True(_counters.Apply(Opens(1, T0.AddSeconds(4.9), T0.AddSeconds(5.15))));

        Assert.Equal(3, _counters.OpensHuman); // neither 4 (counted twice) nor a guess
        Assert.True(_counters.NeedsLedgerRead);

        Read(4, T0.AddSeconds(7), T0.AddSeconds(7.1)); // the ledger says whether it was in
        Assert.Equal(4, _counters.OpensHuman);
        Assert.False(_counters.NeedsLedgerRead);
    }

    [Fact]
    public void A_shown_roll_up_that_straddles_a_later_read_asks_for_another_read()
    {
        Read(2, T0, T0.AddSeconds(0.1));
        _counters.Apply(Opens(1, T0.AddSeconds(3), T0.AddSeconds(3.25)));

        Read(3, T0.AddSeconds(2.9), T0.AddSeconds(3.1)); // may or may not have the open: 3 is the ledger's word

        Assert.Equal(3, _counters.OpensHuman);
        Assert.True(_counters.NeedsLedgerRead);
    }
}
