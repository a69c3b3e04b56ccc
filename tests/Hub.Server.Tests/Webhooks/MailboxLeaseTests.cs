using Hub.Data;
using Hub.Server.Modules.Channels.Email;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Webhooks;

/// <summary>The claim that lets one node at a time read a mailbox, on the suite's store.</summary>
public sealed class MailboxLeaseTests(EmailWebhookApp app) : IClassFixture<EmailWebhookApp>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    private async Task<bool> TryAcquireAsync(FakeTimeProvider clock, Guid channel, string owner)
    {
        await using var scope = app.Scope();
        return await new MailboxLease(scope.ServiceProvider.GetRequiredService<HubDbContext>(), clock).TryAcquireAsync(channel, owner, Ttl, CancellationToken.None);
    }

    private async Task ReleaseAsync(FakeTimeProvider clock, Guid channel, string owner)
    {
        await using var scope = app.Scope();
        await new MailboxLease(scope.ServiceProvider.GetRequiredService<HubDbContext>(), clock).ReleaseAsync(channel, owner, CancellationToken.None);
    }

    [Fact]
    public async Task One_owner_at_a_time_until_it_lapses_or_is_released()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var channel = await app.CreateChannelAsync(secret: null);

        Assert.True(await TryAcquireAsync(clock, channel, "node-a"));
        Assert.False(await TryAcquireAsync(clock, channel, "node-b"));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await TryAcquireAsync(clock, channel, "node-a")); // renewed
        clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.False(await TryAcquireAsync(clock, channel, "node-b")); // the renewal still counts
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await TryAcquireAsync(clock, channel, "node-b")); // node-a went quiet: lapsed
        Assert.False(await TryAcquireAsync(clock, channel, "node-a"));

        await ReleaseAsync(clock, channel, "node-a"); // not its claim: nothing happens
        Assert.False(await TryAcquireAsync(clock, channel, "node-a"));
        await ReleaseAsync(clock, channel, "node-b");
        Assert.True(await TryAcquireAsync(clock, channel, "node-a"));
    }

    [Fact]
    public async Task Nodes_racing_for_a_new_claim_get_exactly_one_winner()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var channel = await app.CreateChannelAsync(secret: null);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => TryAcquireAsync(clock, channel, $"node-{i}"))));

        Assert.Equal(1, results.Count(r => r));
    }
}
