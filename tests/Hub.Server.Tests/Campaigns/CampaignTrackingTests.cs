using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Core.Campaigns;
using Hub.Core.Delivery;

namespace Hub.Server.Tests.Campaigns;

/// <summary>Campaign mail carries signed tracking, and the campaign's stats and events count hits honestly.</summary>
public sealed partial class CampaignTrackingTests(CampaignTestApp app) : IClassFixture<CampaignTestApp>
{
    public const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public const string AppleMpp = "Mozilla/5.0";
    public const string GmailProxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    public const string Proofpoint = "Mozilla/5.0 (compatible; Proofpoint URL Defense)";

    internal static async Task<Guid> SaleTemplateAsync(CampaignTestApp app, HttpClient admin, string subject = "Sale")
    {
        var response = await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = $"Sale {Guid.NewGuid():N}",
            subject,
            html_content = "<html><body><p>Hi {{ contact.first_name }}</p><a href=\"https://shop.example.com/sale?x=1\">Shop</a></body></html>",
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    internal static async Task<List<Guid>> ContactsAsync(HttpClient admin, string tag, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-{i}@example.com", first_name = $"P{i}", attributes = new { tag } }));
        }

        return ids;
    }

    internal static object Audience(string tag) => new { conditions = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } } };

    internal static async Task StartAsync(HttpClient admin, Guid campaignId)
    {
        var response = await admin.PostAsync(new Uri($"/api/v1/campaigns/{campaignId}/start", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The tracking URL of kind <paramref name="kind"/> (open, click) in an envelope's HTML, relative to the server.</summary>
    internal static Uri Link(OutboundEnvelope envelope, string kind, string? destination = null)
    {
        foreach (Match m in Links().Matches(envelope.Html ?? string.Empty))
        {
            var url = WebUtility.HtmlDecode(m.Groups["url"].Value);
            if (url.StartsWith($"{CampaignTestApp.TrackingBase}/api/v1/tracking/{kind}?", StringComparison.Ordinal)
                && (destination is null || url.Contains(Uri.EscapeDataString(destination), StringComparison.Ordinal)))
            {
                return new Uri(url[CampaignTestApp.TrackingBase.Length..], UriKind.Relative);
            }
        }

        throw new InvalidOperationException($"No {kind} link in: {envelope.Html}");
    }

    internal static async Task HitAsync(HttpClient client, Uri link, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{link}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Every_campaign_email_carries_signed_links_the_open_pixel_and_one_click_unsubscribe_headers()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"t{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag, 2);
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = "Tracked", type = "email", template_id = templateId, audience = Audience(tag) });
        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();

        var ledger = await app.LedgerAsync(id);
        Assert.Equal(2, ledger.Count);
        var anonymous = app.Anonymous();
        foreach (var row in ledger)
        {
            var envelope = app.Sender.Envelopes.Single(e => e.MessageId == row.MessageId);
            var click = Link(envelope, "click", "https://shop.example.com/sale?x=1");
            Assert.Contains($"message_id={row.MessageId}", click.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"https://shop.example.com", envelope.Html!, StringComparison.Ordinal); // the link itself is tracked
            Assert.Contains($"message_id={row.MessageId}", Link(envelope, "open").ToString(), StringComparison.Ordinal);
            Assert.StartsWith($"<{CampaignTestApp.TrackingBase}/u/", envelope.Headers["List-Unsubscribe"], StringComparison.Ordinal);
            Assert.Equal("List-Unsubscribe=One-Click", envelope.Headers["List-Unsubscribe-Post"]);

            // The signed link redirects to its destination; the same link pointed elsewhere is refused.
            using var redirect = await anonymous.GetAsync(click);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("https://shop.example.com/sale?x=1", redirect.Headers.Location!.ToString());
            var altered = new Uri(click.ToString().Replace("sale%3Fx%3D1", "evil", StringComparison.Ordinal), UriKind.Relative);
            Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync(altered)).StatusCode);
        }

        // Switched off, a campaign's mail has none of it.
        var tag2 = $"n{Guid.NewGuid():N}"[..10];
        await ContactsAsync(admin, tag2, 1);
        var plain = await CampaignTestApp.CampaignAsync(admin, new
        {
            name = "Untracked", type = "email", template_id = templateId, audience = Audience(tag2),
            open_tracking_enabled = false, click_tracking_enabled = false, unsubscribe_enabled = false,
        });
        await StartAsync(admin, plain);
        await app.RunAsync(plain);
        await app.DeliverAllAsync();
        var plainMessage = (await app.LedgerAsync(plain)).Single().MessageId;
        var untracked = app.Sender.Envelopes.Single(e => e.MessageId == plainMessage);
        Assert.DoesNotContain("/api/v1/tracking/", untracked.Html!, StringComparison.Ordinal);
        Assert.Contains("href=\"https://shop.example.com/sale?x=1\"", untracked.Html!, StringComparison.Ordinal);
        Assert.False(untracked.Headers.ContainsKey("List-Unsubscribe"));
    }

    [Fact]
    public async Task Scanner_and_proxy_hits_do_not_count_as_human_in_campaign_stats_and_events()
    {
        var (admin, _) = await app.WorkspaceAsync();
        var templateId = await SaleTemplateAsync(app, admin);
        var tag = $"h{Guid.NewGuid():N}"[..10];
        var contacts = await ContactsAsync(admin, tag, 3);
        var id = await CampaignTestApp.CampaignAsync(admin, new { name = "Honest", type = "email", template_id = templateId, audience = Audience(tag) });
        await StartAsync(admin, id);
        await app.RunAsync(id);
        await app.DeliverAllAsync();
        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        var envelopes = contacts.Select(c => app.Sender.Envelopes.Single(e => e.MessageId == ledger[c].MessageId)).ToList();

        var web = app.Anonymous();
        await HitAsync(web, Link(envelopes[0], "open"), Chrome);            // a person, twice
        await HitAsync(web, Link(envelopes[0], "open"), Chrome);
        await HitAsync(web, Link(envelopes[1], "open"), AppleMpp);          // Apple Mail Privacy Protection
        await HitAsync(web, Link(envelopes[2], "open"), GmailProxy);        // Gmail's image proxy
        await HitAsync(web, Link(envelopes[0], "click", "https://shop.example.com/sale?x=1"), Chrome);
        await HitAsync(web, Link(envelopes[1], "click", "https://shop.example.com/sale?x=1"), Proofpoint); // a security scanner
        await app.FlushHitsAsync();

        var stats = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
        var opens = stats.GetProperty("opens");
        Assert.Equal((4, 2, 1, 2, 0), (opens.GetProperty("raw").GetInt32(), opens.GetProperty("human").GetInt32(),
            opens.GetProperty("unique_human").GetInt32(), opens.GetProperty("machine").GetInt32(), opens.GetProperty("scanner").GetInt32()));
        var clicks = stats.GetProperty("clicks");
        Assert.Equal((2, 1, 1, 0, 1), (clicks.GetProperty("raw").GetInt32(), clicks.GetProperty("human").GetInt32(),
            clicks.GetProperty("unique_human").GetInt32(), clicks.GetProperty("machine").GetInt32(), clicks.GetProperty("scanner").GetInt32()));
        Assert.Equal(0, stats.GetProperty("unsubscribes").GetInt32());

        var machine = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/events?event_type=open&classification=machine");
        var items = machine.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, e => Assert.Equal("machine", e.GetProperty("classification").GetString()));
        Assert.Equal([$"{tag}-1@example.com", $"{tag}-2@example.com"], items.Select(e => e.GetProperty("recipient_email").GetString()).Order());
        var scanner = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/events?event_type=click&classification=scanner")).GetProperty("items")[0];
        Assert.Equal(("click", "https://shop.example.com/sale?x=1", Proofpoint), (scanner.GetProperty("event_type").GetString(), scanner.GetProperty("url").GetString(), scanner.GetProperty("user_agent").GetString()));
        var sent = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/events?event_type=sent")).GetProperty("items");
        Assert.Equal(3, sent.GetArrayLength());

        // All events, two per page: 6 hits + 3 sends, each exactly once.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/events?limit=2" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => $"{e.GetProperty("event_type").GetString()}:{e.GetProperty("id").GetString()}"));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(9, seen.Count);
        Assert.Equal(9, seen.Distinct().Count());

        var bad = await admin.GetAsync(new Uri($"/api/v1/campaigns/{id}/events?event_type=liked", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("event_type", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another workspace's campaign is not found.
        var (other, _) = await app.WorkspaceAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(new Uri($"/api/v1/campaigns/{id}/events", UriKind.Relative))).StatusCode);
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Links();
}
