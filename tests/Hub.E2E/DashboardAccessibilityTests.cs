using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>
/// Every dashboard page and settings tab in Chromium, checked with axe-core: no serious or critical violation, and a
/// screenshot of each for docs/dashboard.md.
/// </summary>
public sealed class DashboardAccessibilityTests(DashboardHubApp app, ITestOutputHelper output) : IClassFixture<DashboardHubApp>
{
    private static readonly string[] SettingsTabs =
        ["Channels", "Members", "Teams & routing", "SLA", "Canned responses", "API keys", "Webhooks", "Intelligence", "Workspace"];

    [BrowserFact]
    public async Task Every_page_has_no_serious_or_critical_accessibility_violation()
    {
        var admin = await app.SignedInAsync();
        var campaignId = await SeedAsync(admin);

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var width = int.TryParse(Environment.GetEnvironmentVariable("HUB_A11Y_WIDTH"), out var w) ? w : 1280;
        var page = await app.SignInAsync(browser, HubApp.AdminEmail, HubApp.AdminPassword, width, 800);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");
        var found = new List<string>();

        async Task CheckAsync(string name, string path, string readyTestId)
        {
            if (path.Length > 0)
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
            }

            await Expect(page.GetByTestId(readyTestId).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
            foreach (var v in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                found.Add($"{name}: {v.Impact} {v.Id} — {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");
            }

            await DashboardHubApp.ScreenshotAsync(page, "page-" + name);

            // Layout: nothing slides under the sidebar, and the sidebar reaches the bottom however far the page scrolls.
            if (await page.Locator(".mud-drawer").CountAsync() > 0)
            {
                var drawer = await page.Locator(".mud-drawer").First.BoundingBoxAsync();
                var ready = await page.GetByTestId(readyTestId).First.BoundingBoxAsync();
                if (ready is not null && drawer is not null && ready.X < drawer.X + drawer.Width - 1)
                {
                    found.Add($"{name}: layout — {readyTestId} starts at x={ready.X:0} under the sidebar (which ends at x={drawer.X + drawer.Width:0})");
                }

                await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
                drawer = await page.Locator(".mud-drawer").First.BoundingBoxAsync();
                var viewport = page.ViewportSize!.Height;
                if (drawer is not null && drawer.Y + drawer.Height < viewport - 1)
                {
                    found.Add($"{name}: layout — scrolled down, the sidebar ends at y={drawer.Y + drawer.Height:0} of a {viewport} px window");
                }

                await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            }
        }

        await CheckAsync("start", "/start", "start-title");
        await CheckAsync("inbox", "/inbox", "inbox");
        await CheckAsync("campaigns", "/campaigns", "campaign-new");
        await CheckAsync("campaign-editor", "/campaigns/new", "campaign-editor");
        await CheckAsync("campaign-live", $"/campaigns/{campaignId}", "live-indicator");
        await CheckAsync("contacts", "/contacts", "contacts-table");
        await CheckAsync("rules", "/rules", "rule-new");
        await CheckAsync("analytics", "/analytics", "report-builder");
        await CheckAsync("not-found", "/no-such-page", "not-found");
        await CheckAsync("settings", "/settings", "settings-title");
        foreach (var tab in SettingsTabs.Skip(1))
        {
            await page.GetByRole(AriaRole.Tab, new() { Name = tab }).ClickAsync();
            await CheckAsync("settings-" + tab.ToLowerInvariant().Replace(" & ", "-").Replace(' ', '-'), "", "settings-title");
        }

        foreach (var line in found)
        {
            output.WriteLine(line);
        }

        Assert.True(found.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", found));
    }

    /// <summary>A contact, a template and a draft campaign, so the pages have something to show.</summary>
    private static async Task<Guid> SeedAsync(HttpClient admin)
    {
        (await admin.PostAsJsonAsync("/api/v1/contacts", new { email = "ada@example.com", first_name = "Ada", last_name = "Lovelace" })).EnsureSuccessStatusCode();
        var template = await admin.PostAsJsonAsync("/api/v1/templates", new
        {
            name = "Welcome", subject = "Hello {{ contact.first_name }}", html_content = "<p>Hi {{ contact.first_name }}</p>",
        });
        template.EnsureSuccessStatusCode();
        var templateId = (await template.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var campaign = await admin.PostAsJsonAsync("/api/v1/campaigns", new { name = "Spring news", template_id = templateId });
        campaign.EnsureSuccessStatusCode();
        return (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
