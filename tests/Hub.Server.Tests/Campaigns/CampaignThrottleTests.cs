using Hub.Core.Campaigns;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// The rate limit, on a clock the test moves: a campaign never queues more than its limit per second of Hub's clock,
/// and the test steps the clock instead of sitting through the seconds.
/// </summary>
public sealed class CampaignThrottleTests(CampaignClockApp app) : IClassFixture<CampaignClockApp>
{
    [Fact]
    public async Task A_rate_limited_campaign_queues_no_more_than_its_limit_per_second_and_then_completes()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"t{Guid.NewGuid():N}"[..10];
        for (var i = 0; i < 15; i++)
        {
            await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-{i}@example.com", attributes = new { tag } });
        }

        var id = await CampaignTestApp.CampaignAsync(admin, CampaignRunnerTests.EmailCampaign(templateId, tag, batchSize: 100, rateLimit: 5, quietHours: false));
        await CampaignTrackingTests.StartAsync(admin, id);
        var start = app.Clock.GetUtcNow();
        var turn = app.RunAsync(id, TimeSpan.FromHours(1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!turn.IsCompleted)
        {
            // Batch k can't begin before k seconds of Hub's clock have passed: each waits out the second its 5 are worth.
            var queued = (await app.LedgerAsync(id)).Count(r => r.State == RecipientState.Queued);
            var elapsed = app.Clock.GetUtcNow() - start;
            Assert.True(queued <= 5 * (1 + (int)elapsed.TotalSeconds), $"{queued} queued after {elapsed} of a campaign limited to 5 a second");
            Assert.False(timeout.IsCancellationRequested, $"The turn did not end; {queued} queued after {elapsed}");
            app.Clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(turn, Task.Delay(20, timeout.Token));
        }

        var result = await turn;
        Assert.Equal((15, true), (result.Queued, result.Finished));
        Assert.True(app.Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(2), "three batches of 5 at 5 a second take two seconds between them");
        Assert.All(await app.LedgerAsync(id), r => Assert.Equal(RecipientState.Queued, r.State));
    }
}
