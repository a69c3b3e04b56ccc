using System.Net;
using System.Text.RegularExpressions;
using Hub.Core.Campaigns;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Tracking;

/// <summary>Open pixel, click redirect, unsubscribe and stats, on the store the suite runs on.</summary>
public sealed class TrackingTests(TrackingApp app) : IClassFixture<TrackingApp>
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string GmailProxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";

    [Fact]
    public async Task A_signed_click_redirects_to_its_url_and_is_stored_with_its_classification_after_a_flush()
    {
        var campaign = Guid.NewGuid();
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(10), campaign);
        const string target = "https://shop.example.com/sale?utm_source=hub&x=1#top";

        var response = await GetAsync(app.Links.ClickUrl(sent.WorkspaceId, sent.MessageId, target), Chrome);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(target, response.Headers.Location!.OriginalString);
        await app.FlushAsync();
        var hit = Assert.Single(await HitsAsync(sent.MessageId));
        Assert.Equal((TrackingHitKind.Click, target, Chrome), (hit.Kind, hit.Url, hit.UserAgent));
        Assert.Equal((HitClassification.Human, "human"), (hit.Classification, hit.Reason));
        Assert.Equal(campaign, hit.CampaignId);
        Assert.Equal(sent.ContactId, hit.ContactId);
        Assert.Equal(sent.WorkspaceId, hit.WorkspaceId);
    }

    [Fact]
    public async Task An_altered_url_or_signature_is_a_400_problem_and_never_a_redirect()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        var signed = app.Links.ClickUrl(sent.WorkspaceId, sent.MessageId, "https://shop.example.com/sale");
        var other = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        string[] forged =
        [
            signed.Replace(Uri.EscapeDataString("https://shop.example.com/sale"), Uri.EscapeDataString("https://evil.example.net/"), StringComparison.Ordinal),
            signed.Replace(Uri.EscapeDataString("https://shop.example.com/sale"), Uri.EscapeDataString("https://shop.example.com/sale/x"), StringComparison.Ordinal),
            Regex.Replace(signed, "sig=[^&]+", "sig=AAAAAAAAAAAAAAAAAAAAAA"),
            Regex.Replace(signed, "&sig=[^&]+", string.Empty),
            signed.Replace(sent.MessageId.ToString(), other.MessageId.ToString(), StringComparison.Ordinal),
            $"{TrackingApp.BaseUrl}/api/v1/tracking/click?message_id={sent.MessageId}&workspace_id={sent.WorkspaceId}&url={Uri.EscapeDataString("https://evil.example.net/")}",
        ];

        foreach (var url in forged)
        {
            var response = await GetAsync(url, Chrome);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var problem = await (await GetAsync(forged[0], Chrome)).JsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("sig", out _));
        await app.FlushAsync();
        Assert.Empty(await HitsAsync(sent.MessageId));
        Assert.Empty(await HitsAsync(other.MessageId));
    }

    [Fact]
    public async Task The_pixel_of_an_unknown_or_unsigned_message_is_still_a_gif_and_stores_nothing()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        var unknown = Guid.NewGuid();
        string[] urls =
        [
            app.Links.OpenUrl(sent.WorkspaceId, unknown), // signed, but no such message
            Regex.Replace(app.Links.OpenUrl(sent.WorkspaceId, sent.MessageId), "sig=[^&]+", "sig=forged"),
            $"{TrackingApp.BaseUrl}/api/v1/tracking/open?message_id={sent.MessageId}",
            $"{TrackingApp.BaseUrl}/api/v1/tracking/open?message_id=not-a-guid&workspace_id=&sig=",
        ];

        foreach (var url in urls)
        {
            var response = await GetAsync(url, Chrome);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/gif", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(43, (await response.Content.ReadAsByteArrayAsync()).Length);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        }

        await app.FlushAsync();
        Assert.Empty(await HitsAsync(sent.MessageId));
        Assert.Empty(await HitsAsync(unknown));
    }

    [Fact]
    public async Task Opens_by_apple_privacy_protection_and_the_gmail_proxy_are_machine_and_stats_count_only_the_reader_as_human()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        var open = app.Links.OpenUrl(sent.WorkspaceId, sent.MessageId);

        await GetAsync(open, "Mozilla/5.0"); // Apple MPP's proxy fetch
        await GetAsync(open, GmailProxy);
        await GetAsync(open, Chrome);
        await GetAsync(open, Chrome); // the same reader again
        await app.FlushAsync();

        var hits = await HitsAsync(sent.MessageId);
        Assert.Equal(4, hits.Count);
        Assert.Contains(hits, h => h.Classification == HitClassification.Machine && h.Reason == "apple_mpp");
        Assert.Contains(hits, h => h.Classification == HitClassification.Machine && h.Reason == "google_image_proxy");
        var admin = await app.SignedInAsync();
        var stats = await admin.GetJsonAsync($"/api/v1/tracking/messages/{sent.MessageId}/stats");
        var opens = stats.GetProperty("opens");
        Assert.Equal(4, opens.GetProperty("raw").GetInt32());
        Assert.Equal(2, opens.GetProperty("human").GetInt32());
        Assert.Equal(1, opens.GetProperty("unique_human").GetInt32());
        Assert.Equal(2, opens.GetProperty("machine").GetInt32());
        Assert.Equal(0, opens.GetProperty("scanner").GetInt32());
        Assert.Equal(0, stats.GetProperty("clicks").GetProperty("raw").GetInt32());
    }

    [Fact]
    public async Task A_click_two_seconds_after_delivery_by_a_scanner_agent_counts_as_scanner_not_human()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromSeconds(2));
        await GetAsync(app.Links.ClickUrl(sent.WorkspaceId, sent.MessageId, "https://shop.example.com/a"), "Mozilla/5.0 (compatible; Proofpoint URL Defense)");
        await GetAsync(app.Links.ClickUrl(sent.WorkspaceId, sent.MessageId, "https://shop.example.com/b"), Chrome);
        await app.FlushAsync();

        var hits = await HitsAsync(sent.MessageId);
        Assert.Equal(2, hits.Count);
        Assert.All(hits, h => Assert.Equal(HitClassification.Scanner, h.Classification));
        Assert.Equal(["scanner_agent", "too_soon_after_delivery"], hits.Select(h => h.Reason).Order());
        var admin = await app.SignedInAsync();
        var clicks = (await admin.GetJsonAsync($"/api/v1/tracking/messages/{sent.MessageId}/stats")).GetProperty("clicks");
        Assert.Equal((2, 0, 0, 2), (clicks.GetProperty("raw").GetInt32(), clicks.GetProperty("human").GetInt32(), clicks.GetProperty("unique_human").GetInt32(), clicks.GetProperty("scanner").GetInt32()));
    }

    [Fact]
    public async Task Every_link_of_a_message_clicked_within_a_second_is_a_scanner_including_the_first_click()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(30));
        foreach (var link in new[] { "https://shop.example.com/a", "https://shop.example.com/b", "https://shop.example.com/c" })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(app.Links.ClickUrl(sent.WorkspaceId, sent.MessageId, link), Chrome)).StatusCode);
        }

        await app.FlushAsync();
        var hits = await HitsAsync(sent.MessageId);
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.Equal((HitClassification.Scanner, "link_burst"), (h.Classification, h.Reason)));
    }

    [Fact]
    public async Task The_unsubscribe_page_changes_nothing_and_the_one_click_post_unsubscribes_once()
    {
        var campaign = Guid.NewGuid();
        var sent = await app.SeedMessageAsync(TimeSpan.FromHours(1), campaign);
        var path = new Uri(app.Links.UnsubscribeUrl(sent.WorkspaceId, sent.MessageId)).PathAndQuery;
        var client = app.Anonymous();

        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\"", html, StringComparison.Ordinal);
        await client.GetAsync(path); // a scanner following the link twice
        Assert.Null(await PreferencesAsync(sent));

        for (var i = 0; i < 2; i++)
        {
            var post = await client.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Contains("unsubscribed", await post.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        var preferences = await PreferencesAsync(sent);
        Assert.NotNull(preferences);
        Assert.Equal(new Hub.Core.Notifications.ChannelConsent(Reachable: true, Subscribed: false), preferences.Channels["email"]);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var unsubscribed = await db.Events.IgnoreQueryFilters().Where(e => e.ContactId == sent.ContactId && e.EventType == "unsubscribed").ToListAsync();
        var evt = Assert.Single(unsubscribed);
        Assert.Equal(EventEvaluation.NotEvaluated, evt.Evaluation);
        var hit = Assert.Single(await HitsAsync(sent.MessageId));
        Assert.Equal((TrackingHitKind.Unsubscribe, campaign), (hit.Kind, hit.CampaignId));

        var admin = await app.SignedInAsync();
        Assert.Equal(1, (await admin.GetJsonAsync($"/api/v1/tracking/messages/{sent.MessageId}/stats")).GetProperty("unsubscribes").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(path[..^2] + "xx", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/u/not-a-token")).StatusCode);
    }

    [Fact]
    public async Task A_tracked_email_reaches_the_provider_with_list_unsubscribe_headers_signed_links_a_pixel_and_a_trap()
    {
        const string html = """<html><body><p>Hi</p><a href="https://shop.example.com/sale?a=1&amp;b=2">Sale</a> <a href='mailto:help@acme.test'>Mail us</a> <a href="#top">Top</a> <a href="tel:+15551234567">Call</a></body></html>""";
        var sent = await app.SeedMessageAsync(sentAgo: null, prepare: (workspace, message) =>
        {
            message.Html = html;
            app.Links.Apply(workspace, message, new TrackingSwitches());
        });

        await DeliveryWorker.RunOnceAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), "tracking-test", new DeliveryOptions { BatchSize = 50 }, CancellationToken.None);

        var envelope = Assert.Single(app.Sender.Envelopes, e => e.MessageId == sent.MessageId);
        var unsubscribe = app.Links.UnsubscribeUrl(sent.WorkspaceId, sent.MessageId);
        Assert.Equal($"<{unsubscribe}>, <mailto:unsubscribe@acme.test?subject=unsubscribe>", envelope.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", envelope.Headers["List-Unsubscribe-Post"]);
        Assert.DoesNotContain("https://shop.example.com/sale?a=1&amp;b=2\"", envelope.Html, StringComparison.Ordinal);
        Assert.Contains("href='mailto:help@acme.test'", envelope.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"#top\"", envelope.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:+15551234567\"", envelope.Html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(app.Links.OpenUrl(sent.WorkspaceId, sent.MessageId)), envelope.Html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(unsubscribe), envelope.Html, StringComparison.Ordinal);

        var links = Regex.Matches(envelope.Html!, "href=\"([^\"]+)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
            .Where(u => u.Contains("/api/v1/tracking/click", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, links.Count); // the sale link and the hidden trap
        var sale = await GetAsync(links[0], Chrome);
        Assert.Equal(HttpStatusCode.Redirect, sale.StatusCode);
        Assert.Equal("https://shop.example.com/sale?a=1&b=2", sale.Headers.Location!.OriginalString);

        // The message was sent moments ago: a scanner following every link, the hidden one included.
        var trap = await GetAsync(links[1], Chrome);
        Assert.Equal(HttpStatusCode.Redirect, trap.StatusCode);
        Assert.Equal(app.Links.TrapUrl, trap.Headers.Location!.OriginalString);
        await app.FlushAsync();
        var hits = await HitsAsync(sent.MessageId);
        Assert.Contains(hits, h => h.Url == app.Links.TrapUrl && h.Classification == HitClassification.Scanner && h.Reason == "hidden_link");
    }

    [Fact]
    public async Task Another_workspace_cannot_read_a_messages_stats()
    {
        var sent = await app.SeedMessageAsync(TimeSpan.FromMinutes(1));
        var stranger = await app.NewWorkspaceAsync("Other tracking co");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/tracking/messages/{sent.MessageId}/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync($"/api/v1/tracking/messages/{sent.MessageId}/stats")).StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string absoluteUrl, string userAgent)
    {
        var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(absoluteUrl).PathAndQuery);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return await client.SendAsync(request);
    }

    private async Task<List<TrackingHit>> HitsAsync(Guid messageId)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().TrackingHits.IgnoreQueryFilters()
            .Where(h => h.MessageId == messageId).OrderBy(h => h.OccurredAt).ToListAsync();
    }

    private async Task<Hub.Core.Notifications.NotificationPreferences?> PreferencesAsync(SeededMessage sent)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().NotificationPreferences.IgnoreQueryFilters()
            .FirstOrDefaultAsync(p => p.ContactId == sent.ContactId);
    }
}
