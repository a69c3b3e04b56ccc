using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// The issue's acceptance test, end to end with real processes and the real SMTP server: a 2,000-recipient email
/// campaign is paused, the Hub process is killed and a new one started on the same database, the campaign is resumed,
/// and every recipient got exactly one mail.
/// </summary>
public sealed class CampaignRestartTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@restart.test";
    private const string AdminPassword = "Restart-Passw0rd-Test";
    private const int Recipients = 2000;

    private TestStore? _store;

    public async Task InitializeAsync() => _store = await TestStore.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private Dictionary<string, string?> Settings() => new()
    {
        [_store!.SettingKey.Replace(":", "__", StringComparison.Ordinal)] = _store.SettingValue,
        ["Auth__JwtSigningKey"] = "restart-test-signing-key-that-is-long-enough-0123456789",
        ["Auth__SignInRateLimitPerMinute"] = "100000",
        ["Bootstrap__AdminEmail"] = AdminEmail,
        ["Bootstrap__AdminPassword"] = AdminPassword,
        ["Bootstrap__WorkspaceName"] = "Restart",
        ["Campaigns__SweepInterval"] = "00:00:00.500",
        ["Delivery__PollInterval"] = "00:00:00.200",
        ["Delivery__Workers"] = "4",
        ["Email__ImapEnabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static async Task<HttpClient> SignInAsync(HubProcess node)
    {
        var client = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(60) };
        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword });
        token.EnsureSuccessStatusCode();
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return client;
    }

    private static async Task<JsonElement> StatsAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");

    private static async Task<JsonElement> WaitAsync(HttpClient client, Guid id, Func<JsonElement, bool> until, TimeSpan timeout, string what, HubProcess node)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement stats = default;
        while (DateTime.UtcNow < deadline)
        {
            stats = await StatsAsync(client, id);
            if (until(stats))
            {
                return stats;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Timed out waiting for {what}; last stats: {stats}\n{node.Tail(60)}");
    }

    [MailServerFact]
    public async Task Paused_campaign_killed_restarted_and_resumed_sends_each_of_2000_recipients_exactly_one_mail()
    {
        var box = $"cmp{Guid.NewGuid():N}"[..20];
        var addresses = Enumerable.Range(0, Recipients).Select(i => $"{box}@r{i:D4}.campaign.test").ToList();
        Guid campaignId;

        await using (var first = await HubProcess.StartAsync("A", Settings()))
        {
            var admin = await SignInAsync(first);
            var channel = await admin.PostAsJsonAsync("/api/v1/channels", new
            {
                name = "Newsletter", type = "email", provider = "smtp", address = "news@acme.test",
                settings = new Dictionary<string, string>
                {
                    ["smtp_host"] = TestMail.Smtp!.Value.Host,
                    ["smtp_port"] = TestMail.Smtp.Value.Port.ToString(CultureInfo.InvariantCulture),
                    ["smtp_security"] = "none",
                },
            });
            Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());

            using (var gate = new SemaphoreSlim(8))
            {
                await Task.WhenAll(addresses.Select(async (address, i) =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var created = await admin.PostAsJsonAsync("/api/v1/contacts", new { email = address, first_name = $"R{i}", attributes = new { box } });
                        created.EnsureSuccessStatusCode();
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }

            var campaign = await admin.PostAsJsonAsync("/api/v1/campaigns", new
            {
                name = "Restart-proof newsletter",
                type = "email",
                subject_line = "News for {{ contact.first_name }}",
                content = "<p>Hello {{ contact.first_name }}</p>",
                audience = new { conditions = new { all = new[] { new { field = "attributes.box", @operator = "equals", value = box } } } },
                settings = new { batch_size = 50, rate_limit = 100 },
            });
            Assert.True(campaign.IsSuccessStatusCode, await campaign.Content.ReadAsStringAsync());
            campaignId = (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var started = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/start", UriKind.Relative), null);
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            Assert.Equal(Recipients, (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("estimated_reach").GetInt32());

            // Pause once the runner has handed 300 to delivery (on a busy machine delivery may lag far behind the ledger;
            // waiting for 300 *sent* could find the runner already done).
            await WaitAsync(admin, campaignId, s => s.GetProperty("states").GetProperty("sent").GetInt32() + s.GetProperty("states").GetProperty("queued").GetInt32() >= 300,
                TimeSpan.FromSeconds(90), "300 queued", first);
            (await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/pause", UriKind.Relative), null)).EnsureSuccessStatusCode();

            // The batch the runner was writing when the pause arrived still commits; what was queued drains through
            // delivery; then nothing moves any more.
            var sentAtPause = -1;
            var settleBy = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                var paused = await WaitAsync(admin, campaignId, s => s.GetProperty("states").GetProperty("queued").GetInt32() == 0, TimeSpan.FromSeconds(60), "the queue to drain", first);
                var sent = paused.GetProperty("states").GetProperty("sent").GetInt32();
                if (sent == sentAtPause)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < settleBy, "The paused campaign kept sending.");
                sentAtPause = sent;
                await Task.Delay(1500);
            }

            Assert.InRange(sentAtPause, 300, Recipients - 1);
            await Task.Delay(1500);
            Assert.Equal(sentAtPause, (await StatsAsync(admin, campaignId)).GetProperty("states").GetProperty("sent").GetInt32());

            first.Kill();
        }

        await using var second = await HubProcess.StartAsync("B", Settings());
        var again = await SignInAsync(second);
        Assert.Equal("paused", (await again.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}")).GetProperty("status").GetString());
        (await again.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/resume", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var done = await WaitAsync(again, campaignId,
            s => s.GetProperty("status").GetString() == "completed" && s.GetProperty("states").GetProperty("queued").GetInt32() == 0,
            TimeSpan.FromMinutes(3), "the campaign to complete", second);
        Assert.Equal(Recipients, done.GetProperty("states").GetProperty("sent").GetInt32());
        Assert.Equal(Recipients, done.GetProperty("progress").GetProperty("total_targets").GetInt32());

        var received = await ReceivedRecipientsAsync(box, Recipients, TimeSpan.FromSeconds(60));
        Assert.Equal(Recipients, received.Count);
        var duplicates = received.GroupBy(a => a).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Sent twice: {string.Join(", ", duplicates.Take(10))}");
        Assert.Equal(addresses.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The To address of every mail the SMTP sink stored for <paramref name="box"/> (the sink files mail by local part, so all
    /// 2,000 recipients, each at its own domain, land in one mailbox), read over IMAP once there are at least <paramref name="count"/>.
    /// </summary>
    private static async Task<List<string>> ReceivedRecipientsAsync(string box, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var client = new ImapClient();
            await client.ConnectAsync(TestMail.Imap!.Value.Host, TestMail.Imap.Value.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(box, TestMail.Password);
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var uids = await client.Inbox.SearchAsync(SearchQuery.All);
            if (uids.Count >= count || DateTime.UtcNow > deadline)
            {
                var summaries = await client.Inbox.FetchAsync(uids, MessageSummaryItems.Envelope);
                await client.DisconnectAsync(true);
                return [.. summaries.SelectMany(s => s.Envelope!.To.Mailboxes).Select(m => m.Address.ToLowerInvariant())];
            }

            await client.DisconnectAsync(true);
            await Task.Delay(500);
        }
    }
}
