using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Npgsql;

namespace Hub.Chaos.NodeCrash;

/// <summary>
/// Two Hub processes on one PostgreSQL database (and one Redis database when there is a Redis) send an SMS campaign
/// to a Twilio stand-in; the node running the campaign is SIGKILLed mid-send. The survivor finishes it by itself:
/// the campaign ends <c>completed</c> and every recipient got exactly one text, including the few a dying delivery
/// worker was in the middle of sending to: the survivor asks Twilio's message list about those "in doubt" rows and
/// records them sent (Twilio has them) or sends them once more (Twilio does not), never dead-letters or re-sends blindly.
/// </summary>
public sealed class NodeKillCampaignTests
{
    private const int Port = 25437;
    private const int WorkersPerNode = 2;
    private const string ChannelNumber = "+15005550007";

    private static readonly int Recipients = ChaosNodes.Size("HUB_CHAOS_CAMPAIGN_RECIPIENTS", 500, 2000);

    [ChaosPostgresFact]
    public async Task Node_running_a_campaign_killed_mid_send_the_survivor_completes_it_with_every_recipient_exactly_once_at_Twilio()
    {
        await using var postgres = new ChaosPostgres(Port);
        await postgres.StartFreshAsync();
        var connectionString = await ChaosNodes.CreateDatabaseAsync(postgres, "hub_chaos_node_kill");
        await using var redis = TestServers.Redis is { } server ? await RedisSlot.ClaimAsync(server) : null;
        await using var twilio = await TwilioStandIn.StartAsync();
        var settings = ChaosNodes.Settings(connectionString, "Chaos nodes");
        settings["Twilio__BaseUrl"] = twilio.BaseUrl.AbsoluteUri;
        settings["Delivery__Workers"] = WorkersPerNode.ToString(CultureInfo.InvariantCulture);
        settings["Delivery__Lease"] = "00:00:05";
        settings["Campaigns__SweepInterval"] = "00:00:00.500";
        // The survivor takes over the dead node's campaign sweep once Quartz misses the dead node's check-ins.
        settings["Campaigns__ClusterCheckinInterval"] = "00:00:02";
        settings["Logging__LogLevel__Hub.Server.Campaigns"] = "Information";
        settings["Logging__LogLevel__Hub.Server.Delivery"] = "Information";
        if (redis is not null)
        {
            settings["ConnectionStrings__Redis"] = redis.ConnectionString;
        }

        // A migrates the new database and creates the first admin; B starts while the audience is being written.
        await using var a = await HubProcess.StartAsync("A", settings);
        var startB = HubProcess.StartAsync("B", settings, TimeSpan.FromSeconds(180));
        try
        {
            await ScenarioAsync(twilio, a, startB, connectionString, redis is null ? "no Redis" : $"Redis db {redis.Database}");
        }
        finally
        {
            ChaosNodes.SaveLog(a, "node-kill");
            try
            {
                await using var b = await startB;
                ChaosNodes.SaveLog(b, "node-kill");
            }
            catch (InvalidOperationException)
            {
                // B never became ready; ScenarioAsync has failed on that already.
            }
        }
    }

    private static async Task ScenarioAsync(TwilioStandIn twilio, HubProcess a, Task<HubProcess> startB, string connectionString, string redis)
    {
        using var admin = await ChaosNodes.SignInAsync(a);
        var channel = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Promotions", type = "sms", provider = "twilio", address = ChannelNumber, settings = twilio.ChannelSettings(ChannelNumber),
        });
        Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());

        var tag = $"nk{Guid.NewGuid():N}"[..12];
        var numbers = Enumerable.Range(0, Recipients).Select(i => $"+1416{5_000_000 + i:D7}").ToList();
        // The audience in one NDJSON import (while node B starts).
        var ndjson = string.Concat(numbers.Select((phone, i) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["user_id"] = $"{tag}-{i}", ["phone"] = phone, ["first_name"] = $"R{i}", ["attributes"] = new Dictionary<string, string> { ["box"] = tag },
        }) + "\n"));
        var imported = await admin.PostAsync(new Uri("/api/v1/users/import", UriKind.Relative), new StringContent(ndjson, System.Text.Encoding.UTF8, "application/x-ndjson"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        Assert.Equal(Recipients, (await imported.JsonAsync()).GetProperty("created").GetInt32());

        var b = await startB;
        var campaign = await admin.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Node-kill-proof promotion",
            type = "sms",
            content = "Hi {{ contact.first_name }}, 20% off today " + tag,
            audience = new { conditions = new { all = new[] { new { field = "attributes.box", @operator = "equals", value = tag } } } },
            settings = new { batch_size = 20, rate_limit = 40 },
        });
        Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync());
        var campaignId = (await campaign.JsonAsync()).GetProperty("id").GetGuid();
        var started = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/start", UriKind.Relative), null);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        Assert.Equal(Recipients, (await started.JsonAsync()).GetProperty("estimated_reach").GetInt32());

        // Mid-send: a third of the audience handed to delivery (or sent), most of it still waiting.
        JsonElement stats = default;
        await ChaosNodes.EventuallyAsync(async () =>
        {
            stats = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}/stats");
            var states = stats.GetProperty("states");
            return states.GetProperty("sent").GetInt32() + states.GetProperty("queued").GetInt32() >= Recipients / 3;
        }, TimeSpan.FromSeconds(60), () => $"a third of the campaign to be queued; last stats {stats}", a, b);

        // The node whose runner wrote the ledger is the one running the campaign: that one dies.
        var runner = b.Output.Contains($"Campaign {campaignId} run 1: ", StringComparison.Ordinal) ? b : a;
        var survivor = runner == a ? b : a;
        var before = stats.GetProperty("states");
        runner.Kill();
        var killedAt = DateTime.UtcNow;
        var atKill = twilio.Accepted.Count;

        using var client = await ChaosNodes.SignInAsync(survivor);
        await ChaosNodes.EventuallyAsync(async () =>
        {
            stats = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}/stats");
            var states = stats.GetProperty("states");
            return stats.GetProperty("status").GetString() == "completed" && states.GetProperty("queued").GetInt32() == 0
                && states.GetProperty("pending").GetInt32() == 0;
        }, TimeSpan.FromSeconds(90), () => $"the survivor ({survivor.Name}) to complete the campaign; last stats {stats}", survivor);
        var completedAfter = DateTime.UtcNow - killedAt;

        // The ledger, each row's outbox state, and what reached Twilio, per recipient.
        NpgsqlConnection.ClearAllPools();
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT r."Address", r."State", o."State", o."LastError"
            FROM campaign_recipients r LEFT JOIN outbox o ON o."MessageId" = r."MessageId"
            WHERE r."CampaignId" = @id
            """, db);
        command.Parameters.AddWithValue("id", campaignId);
        var ledger = new List<(string Address, string State, string? Outbox, string? Error)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ledger.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        var received = twilio.Accepted.Where(f => f.GetValueOrDefault("Body")?.Contains(tag, StringComparison.Ordinal) == true)
            .GroupBy(f => f["To"]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var twice = received.Where(r => r.Value > 1).Select(r => r.Key).ToList();
        var sentButMissing = ledger.Where(r => r.State == "Sent" && !received.ContainsKey(r.Address)).Select(r => r.Address).ToList();
        var notSent = ledger.Where(r => r.State != "Sent" || r.Outbox != "Sent").Select(r => $"{r.Address} {r.State}/{r.Outbox}: {r.Error}").ToList();
        var neverReached = numbers.Where(n => !received.ContainsKey(n)).ToList();
        var missingRows = numbers.Except(ledger.Select(r => r.Address), StringComparer.Ordinal).ToList();
        var strangers = received.Keys.Except(numbers, StringComparer.Ordinal).ToList();

        Assert.True(twice.Count == 0, $"{twice.Count} recipients got the campaign twice: {string.Join(", ", twice.Take(10))}");
        Assert.True(sentButMissing.Count == 0, $"{sentButMissing.Count} recipients marked sent never reached Twilio: {string.Join(", ", sentButMissing.Take(10))}");
        Assert.True(notSent.Count == 0, $"{notSent.Count} recipients not sent (in doubt or failed): {string.Join("; ", notSent.Take(10))}");
        Assert.True(neverReached.Count == 0, $"{neverReached.Count} recipients never reached Twilio: {string.Join(", ", neverReached.Take(10))}");
        Assert.True(missingRows.Count == 0 && strangers.Count == 0, $"Ledger misses {missingRows.Count} recipients; Twilio got {strangers.Count} strangers.");
        Assert.Equal(Recipients, ledger.Count);
        Assert.Equal(Recipients, received.Count);

        // The counters agree with the ledger and with Twilio: every recipient sent, none failed.
        var sent = ledger.Count(r => r.State == "Sent");
        var progress = stats.GetProperty("progress");
        Assert.Equal(Recipients, progress.GetProperty("total_targets").GetInt32());
        Assert.Equal(Recipients, progress.GetProperty("sent").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());
        Assert.True(atKill < Recipients, $"The campaign had already reached every recipient when node {runner.Name} was killed: the kill proved nothing.");

        var reconciledSent = Count(survivor.Output, "In-doubt message ", "; recorded as sent");
        var reconciledResent = Count(survivor.Output, "In-doubt message ", "; sending it again");
        var lost = twice.Count + sentButMissing.Count + notSent.Count + neverReached.Count + missingRows.Count;
        ChaosReport.Record(ChaosKind.Fault,
            "Hub node running an SMS campaign SIGKILLed mid-send; the other node completes it",
            Recipients, "recipients", lost,
            string.Create(CultureInfo.InvariantCulture,
                $"2 nodes on PostgreSQL ({redis}); node {runner.Name} killed at {before.GetProperty("sent").GetInt32()} sent + {before.GetProperty("queued").GetInt32()} queued "
                + $"({atKill} at Twilio); node {survivor.Name} completed it {completedAfter.TotalSeconds:F0} s later; {sent} sent exactly once, 0 twice; "
                + $"in doubt at the kill: {reconciledSent} found at Twilio and recorded sent, {reconciledResent} not there and sent once"));
    }

    private static int Count(string log, string start, string end) =>
        log.Split('\n').Count(line => line.Contains(start, StringComparison.Ordinal) && line.Contains(end, StringComparison.Ordinal));
}
