using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Core.Delivery;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>A marketer builds an email campaign in the editor, starts it, and watches its live page move as people open and click.</summary>
public sealed partial class DashboardCampaignTests(CampaignDashboardApp app, ITestOutputHelper output) : IClassFixture<CampaignDashboardApp>
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Password = "Member-Passw0rd-Test";

    [BrowserFact]
    public async Task A_marketer_creates_and_starts_a_campaign_and_watches_counters_move_as_tracking_hits_arrive()
    {
        // The workspace: an email channel, a template, a segment of five contacts, and a marketer.
        var admin = await app.SignedInAsync();
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Mail", type = "email", provider = ScriptedSender.ProviderName, address = "news@acme.test" })).EnsureSuccessStatusCode();
        var templateName = $"Spring sale {Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = templateName,
            subject = "Spring is here, {{ contact.first_name }}",
            html_content = "<html><body><h2>Hi {{ contact.first_name }}!</h2><p>Everything is 20% off this week.</p><a href=\"https://shop.example.com/spring\">Shop the sale</a></body></html>",
        })).EnsureSuccessStatusCode();
        var tag = $"e2e{Guid.NewGuid():N}"[..12];
        string[] names = ["Ada", "Grace", "Alan", "Edsger", "Barbara"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            (await admin.PostAsJsonAsync("/api/v1/contacts", new { email = $"{tag}-{i}@example.com", first_name = name, attributes = new { tag } })).EnsureSuccessStatusCode();
        }

        var segmentName = "Spring shoppers";
        (await admin.PostAsJsonAsync("/api/v1/segments", new
        {
            name = segmentName,
            conditions = new { all = new[] { new { field = "attributes.tag", @operator = "equals", value = tag } } },
        })).EnsureSuccessStatusCode();
        var marketerEmail = $"marketer-{Guid.NewGuid():N}@example.com";
        (await admin.PostAsJsonAsync("/api/v1/members", new { email = marketerEmail, display_name = "Mary Marketer", role = "marketer", password = Password })).EnsureSuccessStatusCode();

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await app.SignInAsync(browser, marketerEmail, Password);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");

        // The editor: name, template (previewed), audience (with its reach), throttled to one message a second.
        await page.GotoAsync("/campaigns");
        await Expect(page.GetByTestId("campaign-new")).ToBeVisibleAsync();
        await page.GotoAsync("/campaigns/new");
        await Expect(page.GetByTestId("campaign-editor")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
        await page.GetByTestId("campaign-name").FillAsync("Spring sale 2027");
        await page.GetByTestId("campaign-description").FillAsync("Twenty percent off everything for a week");
        await page.GetByTestId("campaign-sender-name").FillAsync("Acme Shop");
        await page.GetByLabel(templateName).CheckAsync();
        await Expect(page.GetByTestId("preview-subject")).ToContainTextAsync("Spring is here, Ada");
        await Expect(page.FrameLocator("[data-testid=preview-frame]").Locator("h2")).ToHaveTextAsync("Hi Ada!");
        await page.GetByLabel(segmentName).CheckAsync();
        await Expect(page.GetByTestId("audience-reach")).ToContainTextAsync("Estimated reach: 5 contacts");
        await page.GetByTestId("settings-batch-size").FillAsync("1");
        await page.GetByTestId("settings-rate-limit").FillAsync("1");
        await page.GetByTestId("settings-rate-limit").BlurAsync();
        await DashboardHubApp.ScreenshotAsync(page, "campaign-editor");
        await page.GetByTestId("campaign-save").ClickAsync();

        // The live page: start it and watch it send, one a second.
        await page.WaitForURLAsync(new Regex("/campaigns/[0-9a-f-]{36}$"));
        await Expect(page.GetByTestId("live-indicator")).ToContainTextAsync("Live", new() { Timeout = 20_000 }); // circuit + hub connection + campaign.watch: slow on a loaded CI box
        await Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Draft");
        await page.GetByTestId("campaign-start").ClickAsync();
        await Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Running");
        await Expect(page.GetByTestId("counter-delivered-value")).Not.ToHaveTextAsync("0", new() { Timeout = 30_000 });

        // People open the first mails (with a browser's user agent, so they count as people) and one clicks.
        using var reader = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address };
        var first = await EnvelopeAsync(0);
        await HitAsync(reader, Link(first, "open"));
        await Expect(page.GetByTestId("counter-opened-value")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        var second = await EnvelopeAsync(1);
        await HitAsync(reader, Link(second, "open"));
        await HitAsync(reader, Link(second, "click"));
        await Expect(page.GetByTestId("counter-opened-value")).ToHaveTextAsync("2", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("counter-clicked-value")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await DashboardHubApp.ScreenshotAsync(page, "campaign-live");

        // The rest goes out; the run completes with every recipient delivered, and the counters agree with the ledger.
        var third = await EnvelopeAsync(2);
        await HitAsync(reader, Link(third, "open"));
        await Expect(page.GetByTestId("counter-delivered-value")).ToHaveTextAsync("5", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("counter-opened-value")).ToHaveTextAsync("3", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        var id = Guid.Parse(new Uri(page.Url).Segments[^1]);
        var stats = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
        Assert.Equal(5, stats.GetProperty("states").GetProperty("sent").GetInt32());
        Assert.Equal(3, stats.GetProperty("opens").GetProperty("human").GetInt32());
        await Expect(page.GetByTestId("counter-sent-value")).ToHaveTextAsync("5");
        await Expect(page.GetByTestId("progress-text")).ToContainTextAsync("(100%)");
    }

    /// <summary>The <paramref name="index"/>th message the scripted channel accepted (waits for it).</summary>
    private async Task<OutboundEnvelope> EnvelopeAsync(int index)
    {
        for (var i = 0; i < 300; i++)
        {
            if (app.Sender.Envelopes.Skip(index).FirstOrDefault() is { } envelope)
            {
                return envelope;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No message #{index + 1} was sent.");
    }

    /// <summary>The signed tracking link of <paramref name="kind"/> (open, click) in a message, relative to the server.</summary>
    private static Uri Link(OutboundEnvelope envelope, string kind)
    {
        foreach (Match m in Links().Matches(envelope.Html ?? string.Empty))
        {
            var url = WebUtility.HtmlDecode(m.Groups["url"].Value);
            if (url.StartsWith($"{CampaignDashboardApp.TrackingBase}/api/v1/tracking/{kind}?", StringComparison.Ordinal))
            {
                return new Uri(url[CampaignDashboardApp.TrackingBase.Length..], UriKind.Relative);
            }
        }

        throw new InvalidOperationException($"No {kind} link in: {envelope.Html}");
    }

    private static async Task HitAsync(HttpClient client, Uri link)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        request.Headers.TryAddWithoutValidation("User-Agent", Chrome);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.Found, $"{link}: {(int)response.StatusCode}");
    }

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Links();
}
