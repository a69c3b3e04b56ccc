using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Npgsql;

namespace Hub.Chaos.Database;

/// <summary>
/// PostgreSQL SIGKILLed and restarted under a real Hub process while signed Twilio webhooks come in and agent replies
/// go out through the outbox to a Twilio stand-in: every webhook answered 2xx is stored exactly once, the outage is
/// answered 503 problem+json with Retry-After (so Twilio retries), no reply reaches the provider twice, every accepted
/// reply ends sent or dead-lettered with a reason, and Hub carries on by itself once the database is back.
/// </summary>
public sealed partial class PostgresKillTests
{
    private const int Port = 25432;
    private const string ChannelNumber = "+15005550006";

    // CI: ~20 webhooks/s and ~4 replies/s for a few seconds before, during and after an outage of a few seconds.
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(ChaosNodes.Size("HUB_CHAOS_PG_BEFORE_SECONDS", 3, 10));
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(ChaosNodes.Size("HUB_CHAOS_PG_DOWN_SECONDS", 4, 10));
    private static readonly TimeSpan After = TimeSpan.FromSeconds(ChaosNodes.Size("HUB_CHAOS_PG_AFTER_SECONDS", 5, 20));
    private static readonly int Kills = ChaosNodes.Size("HUB_CHAOS_PG_KILLS", 1, 3);
    private static readonly TimeSpan WebhookInterval = TimeSpan.FromMilliseconds(50);
    private const int WebhooksPerReply = 5;

    [ChaosPostgresFact]
    public async Task Postgres_killed_and_restarted_under_webhooks_and_sends_loses_nothing_sends_nothing_twice_and_resumes_by_itself()
    {
        await using var postgres = new ChaosPostgres(Port);
        await postgres.StartFreshAsync();
        var connectionString = await ChaosNodes.CreateDatabaseAsync(postgres, "hub_chaos_pg_kill");
        await using var twilio = await TwilioStandIn.StartAsync();
        var settings = ChaosNodes.Settings(connectionString, "Chaos PG");
        settings["Twilio__BaseUrl"] = twilio.BaseUrl.AbsoluteUri;
        settings["Delivery__Workers"] = "2";
        // A worker that lost the database mid-send leaves its row "sending"; the lease decides when it is settled.
        settings["Delivery__Lease"] = "00:00:05";
        settings["Delivery__BaseBackoff"] = "00:00:01";
        await using var node = await HubProcess.StartAsync("A", settings);
        try
        {
            await ScenarioAsync(postgres, twilio, node, connectionString);
        }
        finally
        {
            ChaosNodes.SaveLog(node, "postgres-kill");
        }
    }

    private static async Task ScenarioAsync(ChaosPostgres postgres, TwilioStandIn twilio, HubProcess node, string connectionString)
    {
        using var admin = await ChaosNodes.SignInAsync(node);

        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS", type = "sms", provider = "twilio", address = ChannelNumber, settings = twilio.ChannelSettings(ChannelNumber),
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var channelId = (await created.JsonAsync()).GetProperty("id").GetGuid();
        var driver = new SmsTrafficDriver(node, admin, channelId, twilio.AuthToken, ChannelNumber);

        // One customer text first: the conversation the agent's replies go to.
        await driver.WebhookAsync(0);
        var first = Assert.Single(driver.Webhooks);
        Assert.True(first.AcceptedAt is not null, $"The first webhook was not accepted: {first.Refused}\n{node.Tail(60)}");
        var conversationId = (await admin.GetJsonAsync($"/api/v1/messages?channel_id={channelId}")).GetProperty("items")[0].GetProperty("conversation_id").GetGuid();

        // The steady stream: a webhook every 50 ms (each retried until accepted), a reply every fifth.
        using var stop = new CancellationTokenSource();
        var inFlight = new List<Task>();
        var producer = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(WebhookInterval);
            for (var n = 1; await timer.WaitForNextTickAsync() && !stop.IsCancellationRequested; n++)
            {
                inFlight.Add(driver.WebhookAsync(n));
                if (n % WebhooksPerReply == 0)
                {
                    inFlight.Add(driver.ReplyAsync(conversationId, n / WebhooksPerReply));
                }
            }
        });

        var outages = new List<(double Killed, double Restarted)>();
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(Before);
            var killed = driver.Now;
            await postgres.KillAsync();
            await Task.Delay(Down);
            await postgres.RestartAsync();
            outages.Add((killed, driver.Now));
        }

        await Task.Delay(After);
        await stop.CancelAsync();
        await producer;
        await Task.WhenAll(inFlight);
        Assert.False(node.HasExited, $"Hub exited while the database was down.\n{node.Tail()}");

        // The pipeline is back by itself: one more reply, posted after everything else, is accepted and goes out.
        await driver.ReplyAsync(conversationId, 0);

        // Inbound: each webhook was accepted in the end, and each accepted one is stored exactly once.
        var webhooks = driver.Webhooks.ToList();
        var refused = webhooks.Where(w => w.Refused is not null).Select(w => $"{w.Sid}: {w.Refused}").ToList();
        Assert.True(refused.Count == 0, $"Webhooks refused with a 4xx: {string.Join("; ", refused.Take(5))}");
        var neverAccepted = webhooks.Count(w => w.AcceptedAt is null);
        var retried = webhooks.Count(w => w.Answers.Count > 1);
        var unavailable = webhooks.Sum(w => w.Answers.Count(a => a.Status >= 500));
        Assert.True(unavailable > 0, $"No webhook met the outage (no 5xx at all): the test did not test anything. Outages: {string.Join(", ", outages)}");

        NpgsqlConnection.ClearAllPools();
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var stored = await CountsAsync(db, """
            SELECT "ExternalId", count(*) FROM messages WHERE "ChannelId" = @channel AND "IdempotencyKey" LIKE 'in:%' GROUP BY "ExternalId"
            """, ("channel", channelId));
        var lostInbound = webhooks.Where(w => w.AcceptedAt is not null && !stored.ContainsKey(w.Sid)).Select(w => w.Sid).ToList();
        var duplicatedInbound = stored.Where(s => s.Value > 1).Select(s => s.Key).ToList();
        Assert.True(lostInbound.Count == 0, $"{lostInbound.Count} webhooks answered 2xx are not stored: {string.Join(", ", lostInbound.Take(5))}");
        Assert.True(duplicatedInbound.Count == 0, $"{duplicatedInbound.Count} webhooks stored more than once: {string.Join(", ", duplicatedInbound.Take(5))}");
        Assert.True(neverAccepted == 0, $"{neverAccepted} webhooks were never accepted (Hub did not recover within the retry window).\n{node.Tail(60)}");
        Assert.Equal(webhooks.Count, stored.Count);

        // Outbound: every accepted reply ends sent or dead with a reason; none reached Twilio twice; none sent yet missing.
        var replies = driver.Replies.ToList();
        var refusedReplies = replies.Where(r => r.Refusal is not null).Select(r => $"{r.Status}: {r.Refusal}").ToList();
        Assert.True(refusedReplies.Count == 0, $"Replies refused with a 4xx: {string.Join("; ", refusedReplies.Take(5))}");
        var accepted = replies.Where(r => r.MessageId is not null).ToList();
        var last = Assert.Single(replies, r => r.Token.StartsWith("chaos-reply-0-", StringComparison.Ordinal));
        Assert.True(last.MessageId is not null, $"The reply posted after the outage was not accepted: {last.Status}\n{node.Tail(60)}");
        var ids = accepted.Select(r => r.MessageId!.Value).ToArray();
        Dictionary<Guid, (string State, string? Error)> outbox = [];
        await ChaosNodes.EventuallyAsync(async () =>
        {
            outbox = await OutboxAsync(db, ids);
            return outbox.Count == ids.Length && outbox.Values.All(o => o.State is "Sent" or "Dead");
        }, TimeSpan.FromSeconds(45), () => $"every accepted reply to be sent or dead ({outbox.Count}/{ids.Length} rows, states "
            + string.Join(", ", outbox.Values.GroupBy(o => o.State).Select(g => $"{g.Key}: {g.Count()}")) + ")", node);

        var atProvider = twilio.Accepted.Select(f => ReplyToken().Match(f.GetValueOrDefault("Body") ?? string.Empty))
            .Where(m => m.Success).GroupBy(m => m.Value).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var sentTwice = atProvider.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        var sentButMissing = accepted.Where(r => outbox[r.MessageId!.Value].State == "Sent" && !atProvider.ContainsKey(r.Token)).Select(r => r.Token).ToList();
        var deadWithoutReason = outbox.Values.Count(o => o.State == "Dead" && string.IsNullOrWhiteSpace(o.Error));
        var dead = outbox.Values.Count(o => o.State == "Dead");
        Assert.True(sentTwice.Count == 0, $"{sentTwice.Count} replies reached Twilio more than once: {string.Join(", ", sentTwice.Take(5))}");
        Assert.True(sentButMissing.Count == 0, $"{sentButMissing.Count} replies marked sent never reached Twilio: {string.Join(", ", sentButMissing.Take(5))}");
        Assert.Equal(0, deadWithoutReason);
        Assert.True(atProvider.ContainsKey(last.Token), "The reply posted after the outage never reached Twilio.");
        Assert.Equal(0, twilio.Unauthorized);

        var badAnswers = driver.BadFailures.ToList();
        Assert.True(badAnswers.Count == 0, $"{badAnswers.Count} failures were not 503 problem+json with Retry-After:\n{string.Join('\n', badAnswers.Take(10))}\n{node.Tail(60)}");

        var recovered = outages.Select(o => webhooks.SelectMany(w => w.Answers).Where(a => a.At >= o.Restarted && a.Status is >= 200 and < 300)
            .Select(a => a.At - o.Restarted).DefaultIfEmpty(double.NaN).Min()).ToList();
        var lost = lostInbound.Count + duplicatedInbound.Count + sentTwice.Count + sentButMissing.Count + deadWithoutReason + badAnswers.Count + neverAccepted;
        ChaosReport.Record(ChaosKind.Fault,
            "PostgreSQL SIGKILLed and restarted under inbound Twilio webhooks and outbound SMS replies",
            webhooks.Count + replies.Count, "webhooks + sends", lost,
            string.Create(CultureInfo.InvariantCulture,
                $"{Kills} kill(s), {Down.TotalSeconds:F0} s down each; {webhooks.Count} webhooks ({retried} retried after {unavailable} answers 503, {driver.Timeouts.Count} timeouts), "
                + $"{replies.Count} replies ({accepted.Count} accepted, {atProvider.Count} at Twilio, {dead} dead-lettered in doubt/with reason); "
                + $"first 2xx {string.Join("/", recovered.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))} s after restart; Hub not restarted"));
    }

    private static async Task<Dictionary<string, long>> CountsAsync(NpgsqlConnection db, string sql, (string Name, object Value) parameter)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task<Dictionary<Guid, (string State, string? Error)>> OutboxAsync(NpgsqlConnection db, Guid[] messageIds)
    {
        await using var command = new NpgsqlCommand("""SELECT "MessageId", "State", "LastError" FROM outbox WHERE "MessageId" = ANY(@ids)""", db);
        command.Parameters.AddWithValue("ids", messageIds);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, (string, string?)>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return rows;
    }

    [GeneratedRegex("chaos-reply-[0-9]+-[0-9a-f]{32}")]
    private static partial Regex ReplyToken();
}
