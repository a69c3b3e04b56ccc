using System.Net.Http.Json;
using Hub.Server.Modules.Analytics;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>The admin screens in headless Chromium: settings (API key, channel test send), analytics, and who may open them.</summary>
public sealed class DashboardAdminTests(DashboardHubApp app, ITestOutputHelper output) : IClassFixture<DashboardHubApp>
{
    [BrowserFact]
    public async Task An_admin_creates_an_api_key_seen_once_and_test_sends_through_a_dev_sink_channel()
    {
        var admin = await app.SignedInAsync();
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Sink SMS", type = "sms", provider = "dev-sink", address = "+15550009999" })).EnsureSuccessStatusCode();

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await app.SignInAsync(browser, HubApp.AdminEmail, HubApp.AdminPassword);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");

        await page.GotoAsync("/settings");
        await Expect(page.GetByTestId("settings-title")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-settings")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=channels-table][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Channels (first tab): send a test through the dev sink and see what the provider did.
        await page.GetByTestId("channel-test-to-Sink SMS").FillAsync("+15557654321");
        await Expect(page.GetByTestId("channel-test-to-Sink SMS")).ToHaveValueAsync("+15557654321");
        await page.GetByTestId("channel-test-Sink SMS").ClickAsync();
        await Expect(page.GetByTestId("channel-test-result-Sink SMS")).ToContainTextAsync("+15557654321");
        await Expect(page.GetByTestId("channel-test-result-Sink SMS")).ToContainTextAsync("sent (provider id dev-sink-", new() { Timeout = 30_000 });
        await DashboardHubApp.ScreenshotAsync(page, "settings");

        // API keys: the secret is shown once, and it works.
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await Expect(page.GetByTestId("api-keys-table")).ToContainTextAsync("No API keys"); // loaded, so the form is not re-rendered under the typing
        await page.GetByTestId("api-key-name").FillAsync("E2E key");
        await page.GetByTestId("api-key-create").ClickAsync();
        var secret = (await page.GetByTestId("api-key-secret").TextContentAsync())!.Trim();
        Assert.False(string.IsNullOrEmpty(secret));
        await Expect(page.GetByTestId("api-keys-table")).ToContainTextAsync("E2E key");
        await Expect(page.GetByTestId("api-keys-table")).Not.ToContainTextAsync(secret);
        var withKey = app.WithApiKey(secret);
        Assert.True((await withKey.GetAsync("/api/v1/contacts")).IsSuccessStatusCode);

        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=channels-table][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await Expect(page.GetByTestId("api-keys-table")).ToContainTextAsync("E2E key");
        await Expect(page.GetByTestId("api-key-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task An_admin_builds_an_analytics_report_that_draws_a_chart()
    {
        var admin = await app.SignedInAsync();
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var d = 0; d < 5; d++)
        {
            for (var n = 0; n <= d; n++)
            {
                var at = now.AddDays(-d);
                (await admin.PostAsJsonAsync("/api/v1/events", new { user_id = $"e2e-{n}", event_type = "page_view", event_timestamp = at })).EnsureSuccessStatusCode();
            }
        }

        await app.Services.GetRequiredService<AnalyticsAggregator>().RunOnceAsync(CancellationToken.None);

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await app.SignInAsync(browser, HubApp.AdminEmail, HubApp.AdminPassword);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");
        await page.GotoAsync("/analytics");
        await Expect(page.Locator("[data-testid=report-builder][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("report-event-types").FillAsync("page_view");
        await page.GetByTestId("report-run").ClickAsync();

        await Expect(page.GetByTestId("summary-events")).ToHaveTextAsync("15", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("summary-users")).ToHaveTextAsync("5");
        await Expect(page.Locator("[data-testid=report-chart] svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=report-table] tbody tr")).ToHaveCountAsync(7);
        await DashboardHubApp.ScreenshotAsync(page, "analytics");
    }

    [BrowserFact]
    public async Task An_agent_cannot_open_settings()
    {
        var admin = await app.SignedInAsync();
        var email = $"agent-{Guid.NewGuid():N}@example.com";
        (await admin.PostAsJsonAsync("/api/v1/members", new { email, display_name = "Alex Agent", role = "agent", password = "Member-Passw0rd-Test" })).EnsureSuccessStatusCode();

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await app.SignInAsync(browser, email, "Member-Passw0rd-Test");
        await Expect(page.GetByTestId("nav-settings")).ToHaveCountAsync(0);
        await page.GotoAsync("/settings");
        await Expect(page.GetByTestId("access-denied")).ToContainTextAsync("Your role does not give you access to this page.");
        await Expect(page.GetByTestId("settings-title")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("channels-table")).ToHaveCountAsync(0);
        var agent = await app.SignedInAsync(email, "Member-Passw0rd-Test");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/api-keys")).StatusCode);
    }
}
