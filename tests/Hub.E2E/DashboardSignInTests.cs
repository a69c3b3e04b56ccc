using Hub.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>Signing in and out of the dashboard in headless Chromium, and what each role is shown.</summary>
public sealed class DashboardSignInTests(DashboardHubApp app, ITestOutputHelper output) : IClassFixture<DashboardHubApp>
{
    [BrowserFact]
    public async Task A_page_asks_for_sign_in_then_returns_and_sign_out_ends_the_session()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.Address!.ToString() });
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");

        await page.GotoAsync("/contacts");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Fcontacts"));

        await page.GetByLabel("Email").FillAsync(HubApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("Wrong email or password");

        await page.GetByLabel("Email").FillAsync(HubApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(HubApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/contacts$"));
        await Expect(page.GetByTestId("nav-settings")).ToBeVisibleAsync();

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync("/contacts");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [BrowserFact]
    public async Task A_return_address_on_another_site_is_ignored()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.Address!.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString("//evil.example/steal"));
        await page.GetByLabel("Email").FillAsync(HubApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(HubApp.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        Assert.StartsWith(app.Address!.ToString(), page.Url, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task A_marketer_sees_campaigns_but_not_the_inbox_or_settings()
    {
        var admin = await app.SignedInAsync();
        var email = $"marketer-{Guid.NewGuid():N}@example.com";
        var created = await admin.PostAsync("/api/v1/members", System.Net.Http.Json.JsonContent.Create(
            new { email, display_name = "Mary Marketer", role = "marketer", password = "Member-Passw0rd-Test" }));
        created.EnsureSuccessStatusCode();

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await app.SignInAsync(browser, email, "Member-Passw0rd-Test");
        await page.GotoAsync("/contacts");
        await Expect(page.GetByTestId("member-name")).ToHaveTextAsync("Mary Marketer");
        await Expect(page.GetByTestId("nav-campaigns")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-inbox")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-settings")).ToHaveCountAsync(0);
    }
}
