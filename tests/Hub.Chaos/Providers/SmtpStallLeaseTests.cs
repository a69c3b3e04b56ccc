using Hub.Chaos.Infrastructure;
using Hub.Core.Delivery;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Chaos.Providers;

/// <summary>Hub whose SMTP command timeout (as by default: 100 s against a 60 s lease) is longer than the delivery lease.</summary>
public sealed class SmtpStallApp : HubApp
{
    public SmtpStallApp()
    {
        Settings["Delivery:Enabled"] = "false";
        Settings["Delivery:Lease"] = "00:00:05";
        Settings["Delivery:BaseBackoff"] = "00:00:00.100";
        Settings["Delivery:MaxBackoff"] = "00:00:01";
        Settings["Email:ImapEnabled"] = "false";
        Settings["Email:CommandTimeout"] = "00:00:20";
    }

    public FaultySmtpServer Smtp { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// A stalled SMTP server holds a live worker longer than its lease. Before the fix, the other worker then settled the
/// row as "in doubt" (dead-lettered as if its worker had died) and the first worker's later timeout put it back:
/// a healthy message dead-lettered for a slow server. Now the provider call is cut off before the lease ends.
/// </summary>
public sealed class SmtpStallLeaseTests(SmtpStallApp app) : IClassFixture<SmtpStallApp>
{
    [Fact]
    public async Task A_server_that_stalls_longer_than_the_lease_is_a_retry_not_an_in_doubt_dead_letter()
    {
        const string account = "stall-past-lease";
        app.Smtp.Script(account, SmtpFault.StallAtMail);
        var pipeline = new Pipeline(app, await app.SignedInAsync());
        var channelId = await pipeline.ChannelAsync("email", "smtp", "support@acme.test", new Dictionary<string, string>
        {
            ["smtp_host"] = "127.0.0.1", ["smtp_port"] = app.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["smtp_security"] = "none", ["smtp_username"] = account, ["smtp_password"] = "pw",
        });
        var id = await pipeline.ReplyAsync(channelId, email: $"stall-{Guid.NewGuid():N}@example.com");

        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        var options = new DeliveryOptions { BatchSize = 1, Lease = TimeSpan.FromSeconds(5) };
        var stuck = Task.Run(() => DeliveryWorker.RunOnceAsync(scopes, "stuck", options, CancellationToken.None));
        // The other worker keeps looking for due rows and for rows whose worker died, as the real loop does.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var states = new List<OutboxState>();
        while (DateTime.UtcNow < deadline)
        {
            await DeliveryWorker.RunOnceAsync(scopes, "other", options, CancellationToken.None);
            var row = Assert.Single(await pipeline.RowsAsync([id]));
            states.Add(row.State);
            if (row.State is OutboxState.Sent or OutboxState.Dead && stuck.IsCompleted)
            {
                break;
            }

            await Task.Delay(200);
        }

        await stuck.WaitAsync(TimeSpan.FromSeconds(30));
        var final = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.True(!states.Contains(OutboxState.Dead) && final.State == OutboxState.Sent,
            $"states seen: {string.Join(", ", states.Distinct())}; final {final.State} after {final.Attempts} attempts: {final.LastError}");
        Assert.Equal(2, final.Attempts);
        Assert.Equal(2, app.Smtp.TransactionsOf(account));
        var accepted = Assert.Single(app.Smtp.Accepted, a => a.Account == account);
        var lost = (final.ProviderMessageId == accepted.MessageId ? 0 : 1) + states.Count(s => s == OutboxState.Dead);
        Assert.Equal(0, lost);
        ChaosReport.Record(ChaosKind.Fault, "SMTP stalled longer than the delivery lease", final.Attempts - 1, "faults", lost,
            "cut off before the lease ran out and retried; never settled as in doubt");
    }
}
