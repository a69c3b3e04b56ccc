using Hub.Core.Campaigns;
using Hub.Server.Modules.Campaigns;

namespace Hub.Server.Tests.Campaigns;

/// <summary>The throttle: a batch is at most a second's worth of the rate limit, and the runner waits out the rest of it.</summary>
public sealed class SendPaceTests
{
    [Theory]
    [InlineData(100, 0, 100)]
    [InlineData(100, 10, 10)]
    [InlineData(5, 10, 5)]
    [InlineData(0, 0, 1)]
    public void A_batch_takes_the_batch_size_but_never_more_than_one_second_at_the_rate_limit(int batchSize, int rateLimit, int expected)
    {
        Assert.Equal(expected, SendPace.BatchSize(new CampaignSettings { BatchSize = batchSize, RateLimit = rateLimit }));
    }

    [Fact]
    public void After_a_batch_the_runner_waits_what_is_left_of_the_time_its_messages_are_worth()
    {
        var settings = new CampaignSettings { BatchSize = 100, RateLimit = 10 };

        Assert.Equal(TimeSpan.FromMilliseconds(400), SendPace.PauseAfter(settings, queued: 5, took: TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromSeconds(1), SendPace.PauseAfter(settings, queued: 10, took: TimeSpan.Zero));
    }

    [Fact]
    public void No_wait_without_a_rate_limit_when_nothing_was_queued_or_when_the_batch_was_slower_than_the_limit()
    {
        Assert.Equal(TimeSpan.Zero, SendPace.PauseAfter(new CampaignSettings { RateLimit = 0 }, queued: 100, took: TimeSpan.Zero));
        Assert.Equal(TimeSpan.Zero, SendPace.PauseAfter(new CampaignSettings { RateLimit = 10 }, queued: 0, took: TimeSpan.Zero));
        Assert.Equal(TimeSpan.Zero, SendPace.PauseAfter(new CampaignSettings { RateLimit = 10 }, queued: 5, took: TimeSpan.FromSeconds(2)));
    }
}
