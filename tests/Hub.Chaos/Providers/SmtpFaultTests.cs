using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Hub.Chaos.Infrastructure;
using Hub.Core.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Hub.Chaos.Providers;

/// <summary>Hub with the real outbox and SMTP adapter, sending to a server that refuses, stalls and hangs up.</summary>
public sealed class SmtpFaultApp : HubApp
{
    public SmtpFaultApp()
    {
        Settings["Delivery:Enabled"] = "false"; // the tests run the workers one batch at a time
        Settings["Delivery:MaxAttempts"] = "4";
        Settings["Delivery:BaseBackoff"] = "00:00:00.200";
        Settings["Delivery:MaxBackoff"] = "00:00:05";
        Settings["Delivery:Lease"] = "00:00:30";
        Settings["Email:ImapEnabled"] = "false";
        Settings["Email:CommandTimeout"] = "00:00:01.500";
        Settings["Email:ConnectTimeout"] = "00:00:02";
    }

    public FaultySmtpServer Smtp { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// SMTP refusing (451 at MAIL, 421 at RCPT), stalling, and dropping the connection mid-DATA or after the whole
/// message but before the 250: every message is retried with growing backoff and sent once the server accepts it,
/// one that never gets through is dead-lettered with the server's reason and can be retried by hand, and nothing is
/// ever marked sent that the server did not acknowledge with 250.
/// </summary>
public sealed class SmtpFaultTests(SmtpFaultApp app) : IClassFixture<SmtpFaultApp>
{
    private async Task<(Pipeline Pipeline, string ChannelId)> ChannelAsync(string account, object? extra = null)
    {
        var pipeline = new Pipeline(app, await app.SignedInAsync());
        var settings = new Dictionary<string, object?>
        {
            ["smtp_host"] = "127.0.0.1", ["smtp_port"] = app.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["smtp_security"] = "none", ["smtp_username"] = account, ["smtp_password"] = $"pw-{account}",
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            settings[property.Name] = property.GetValue(extra);
        }

        return (pipeline, await pipeline.ChannelAsync("email", "smtp", $"support-{account}@acme.test", settings));
    }

    [Fact]
    public async Task Refusals_stalls_and_dropped_connections_are_retried_until_accepted_and_only_acknowledged_messages_are_marked_sent()
    {
        // One channel (one SMTP account) per fault, two messages each: the faults hit the first transactions.
        var scenarios = new (string Account, SmtpFault[] Faults)[]
        {
            ("refuse-451", [SmtpFault.Refuse451AtMail, SmtpFault.Refuse451AtMail]),
            ("refuse-421", [SmtpFault.Refuse421AtRcpt, SmtpFault.Refuse421AtRcpt]),
            ("stall", [SmtpFault.StallAtMail]),
            ("drop-mid-data", [SmtpFault.DropMidData, SmtpFault.DropMidData]),
        };
        var ids = new List<Guid>();
        var accountOf = new Dictionary<Guid, string>();
        foreach (var (account, faults) in scenarios)
        {
            app.Smtp.Script(account, faults);
            var (pipeline, channelId) = await ChannelAsync(account);
            for (var i = 0; i < 2; i++)
            {
                var id = await pipeline.ReplyAsync(channelId, email: $"{account}-{i}-{Guid.NewGuid():N}@example.com");
                ids.Add(id);
                accountOf[id] = account;
            }
        }

        var admin = new Pipeline(app, await app.SignedInAsync());
        await admin.DrainAsync(ids, TimeSpan.FromSeconds(60));

        var rows = await admin.RowsAsync(ids);
        var acknowledged = app.Smtp.Accepted.Select(a => a.MessageId).ToHashSet(StringComparer.Ordinal);
        Assert.All(rows, r => Assert.Equal(OutboxState.Sent, r.State));
        var wronglySent = rows.Count(r => r.State == OutboxState.Sent && !acknowledged.Contains(r.ProviderMessageId ?? string.Empty));
        var lost = rows.Count(r => r.State != OutboxState.Sent) + wronglySent;
        Assert.Equal(0, lost);
        // Each message was accepted exactly once by the server (the Message-ID is stable across tries).
        Assert.Equal(ids.Count, app.Smtp.Accepted.Count(a => accountOf.ContainsValue(a.Account)));
        Assert.Equal(rows.Select(r => r.ProviderMessageId).Order(), app.Smtp.Accepted.Where(a => accountOf.ContainsValue(a.Account)).Select(a => a.MessageId).Order());
        // Every fault cost exactly one attempt: attempts = messages + faults, per account, and the server saw each one.
        foreach (var (account, faults) in scenarios)
        {
            var attempts = rows.Where(r => accountOf[r.MessageId] == account).Sum(r => r.Attempts);
            Assert.True(2 + faults.Length == attempts, $"{account}: {attempts} attempts for 2 messages and {faults.Length} faults");
            Assert.Equal(attempts, app.Smtp.TransactionsOf(account));
            Assert.Equal($"pw-{account}", app.Smtp.Passwords[account]); // stored encrypted, given to the server decrypted
        }

        var messages = await Task.WhenAll(ids.Select(admin.MessageAsync));
        Assert.All(messages, m => Assert.Equal("sent", m.Str("status")));
        var totalAttempts = rows.Sum(r => r.Attempts);
        ChaosReport.Record(ChaosKind.Fault, "SMTP 451 at MAIL, 421 at RCPT, stall, drop mid-DATA: retried until accepted",
            totalAttempts - ids.Count, "faults", lost, $"{ids.Count} messages, {totalAttempts} attempts, {rows.Count(r => r.State == OutboxState.Sent)} sent, {wronglySent} marked sent without a 250");
    }

    [Fact]
    public async Task A_server_that_keeps_refusing_gets_growing_backoff_then_dead_letter_with_its_reply_and_a_manual_retry_sends_it()
    {
        const string account = "refuse-always";
        app.Smtp.RefuseAlways(account, true);
        var (pipeline, channelId) = await ChannelAsync(account);
        var id = await pipeline.ReplyAsync(channelId, email: $"always-{Guid.NewGuid():N}@example.com");

        var delays = new ConcurrentDictionary<int, TimeSpan>();
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(30), row =>
        {
            if (row.State == OutboxState.Pending && row.Attempts > 0)
            {
                delays.TryAdd(row.Attempts, row.NextAttemptAt - row.UpdatedAt);
            }
        });

        var row = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Dead, row.State);
        Assert.Equal(4, row.Attempts);
        Assert.Equal(4, app.Smtp.TransactionsOf(account));
        Assert.Null(row.SentAt);
        Assert.Contains("Gave up after 4 tries", row.LastError, StringComparison.Ordinal);
        Assert.Contains("451", row.LastError, StringComparison.Ordinal);
        Assert.Contains("temporarily unavailable", row.LastError, StringComparison.Ordinal);
        // Exponential backoff with ±50% jitter around 200 ms · 2^(n-1): each wait lies in its own band.
        Assert.Equal([1, 2, 3], delays.Keys.Order());
        foreach (var (attempt, delay) in delays)
        {
            var center = 200 * Math.Pow(2, attempt - 1);
            Assert.InRange(delay.TotalMilliseconds, center * 0.5 - 1, center * 1.5 + 1);
        }

        Assert.True(delays[3] > delays[1], $"backoff grows: {delays[1]} then {delays[3]}");
        var failed = await pipeline.MessageAsync(id);
        Assert.Equal("failed", failed.Str("status"));
        Assert.Contains("451", failed.Str("failure_reason"), StringComparison.Ordinal);

        // The server recovers; the dead letter is retried through the API and sent exactly once.
        app.Smtp.RefuseAlways(account, false);
        Assert.Equal(HttpStatusCode.Accepted, (await pipeline.Admin.PostAsync($"/api/v1/messages/{id}/retry", null)).StatusCode);
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(10));
        var sent = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Sent, sent.State);
        var accepted = app.Smtp.Accepted.Where(a => a.Account == account).ToList();
        var lost = accepted.Count == 1 && accepted[0].MessageId == sent.ProviderMessageId ? 0 : 1;
        Assert.Equal(0, lost);
        Assert.Equal("sent", (await pipeline.MessageAsync(id)).Str("status"));
        ChaosReport.Record(ChaosKind.Fault, "SMTP refusing every try: backoff, dead letter with the 451, manual retry",
            row.Attempts, "faults", lost, $"dead-lettered after {row.Attempts} tries with the server's 451; retry API sent it once");
    }

    [Fact]
    public async Task A_connection_dropped_after_the_whole_message_but_before_the_250_is_retried_with_the_same_message_id()
    {
        // Hub can't tell "dropped after the dot" from "dropped mid-DATA": the client has written everything either way
        // and never got a reply. Like any MTA (RFC 5321 §4.1.1.4, RFC 1047) it retries: at least once, with the same
        // Message-ID, so the receiving side can tell the copy. It is only marked sent once a 250 came back.
        const string account = "drop-before-250";
        app.Smtp.Script(account, SmtpFault.DropBefore250);
        var (pipeline, channelId) = await ChannelAsync(account);
        var id = await pipeline.ReplyAsync(channelId, email: $"doubt-{Guid.NewGuid():N}@example.com");

        var states = new List<OutboxState>();
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(20), row => states.Add(row.State));

        var row = Assert.Single(await pipeline.RowsAsync([id]));
        Assert.Equal(OutboxState.Sent, row.State);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(OutboxState.Pending, states[0]); // after the drop: not sent, waiting to retry
        var unacknowledged = Assert.Single(app.Smtp.ReceivedUnacknowledged, r => r.Account == account);
        var accepted = Assert.Single(app.Smtp.Accepted, a => a.Account == account);
        Assert.Equal(unacknowledged.MessageId, accepted.MessageId);
        Assert.Equal(accepted.MessageId, row.ProviderMessageId);
        var lost = row.State == OutboxState.Sent && row.ProviderMessageId == accepted.MessageId ? 0 : 1;
        ChaosReport.Record(ChaosKind.Fault, "SMTP connection dropped after DATA, before the 250 (in doubt)", row.Attempts - 1, "faults", lost,
            "retried once with the same Message-ID; marked sent only after the 250");
    }

    [Fact]
    public async Task An_smtp_password_reaches_the_server_but_never_the_database_row_the_api_or_the_log()
    {
        const string account = "secret-keeper";
        var (pipeline, channelId) = await ChannelAsync(account);
        var id = await pipeline.ReplyAsync(channelId, email: $"secret-{Guid.NewGuid():N}@example.com");
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(10));
        var password = $"pw-{account}";
        Assert.Equal(password, app.Smtp.Passwords[account]);

        string raw;
        await using (var scope = app.Scope())
        {
            var connection = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(
                scope.ServiceProvider.GetRequiredService<Hub.Data.HubDbContext>().Database);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "Settings" FROM channels""";
            var rows = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(reader.GetString(0));
                }
            }

            await connection.CloseAsync();
            raw = string.Join("\n", rows);
        }

        var places = new Dictionary<string, string>
        {
            ["database rows"] = raw,
            ["GET channel"] = await pipeline.Admin.GetStringAsync($"/api/v1/channels/{channelId}"),
            ["channel list"] = await pipeline.Admin.GetStringAsync("/api/v1/channels"),
            ["log"] = string.Join("\n", app.Logs),
        };
        var leaks = places.Where(p => p.Value.Contains(password, StringComparison.Ordinal)).Select(p => p.Key).ToList();
        Assert.Empty(leaks);
        Assert.Contains("enc:v1:", raw, StringComparison.Ordinal);
        ChaosReport.Record(ChaosKind.Access, "Channel secret looked for in the DB row, the API (one, list) and the log", places.Count, "places", leaks.Count,
            "encrypted at rest with Data Protection (enc:v1), masked in the API, absent from the log; the SMTP server got it decrypted");
    }

    [Fact]
    public async Task Line_breaks_in_the_subject_and_the_sender_name_cannot_inject_headers()
    {
        const string account = "header-injection";
        var (pipeline, channelId) = await ChannelAsync(account, new { from_name = "Support\r\nBcc: name-injected@attacker.test" });
        var id = await pipeline.ReplyAsync(channelId, email: $"inject-{Guid.NewGuid():N}@example.com",
            subject: "Hello\r\nBcc: subject-injected@attacker.test\r\nX-Injected: yes");
        await pipeline.DrainAsync([id], TimeSpan.FromSeconds(10));

        var raw = Assert.Single(app.Smtp.Accepted, a => a.Account == account).Raw;
        var message = MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(raw)));
        var injected = message.Bcc.Count + message.Headers.Count(h => h.Field.Equals("X-Injected", StringComparison.OrdinalIgnoreCase))
            + message.To.Count - 1;
        Assert.Equal(0, injected);
        Assert.DoesNotContain(raw.Split("\r\n"), l => l.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("X-Injected", StringComparison.OrdinalIgnoreCase));
        Assert.Single(message.To.Mailboxes);
        Assert.Contains("Hello", message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message.Subject ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message.From.Mailboxes.Single().Name ?? string.Empty, StringComparison.Ordinal);
        ChaosReport.Record(ChaosKind.Input, "CRLF header injection in email subject and sender name", 2, "inputs", injected, "no Bcc or extra header reached the SMTP server");
    }
}
