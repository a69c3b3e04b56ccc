using System.Globalization;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>
/// A browser test that also needs the test SMTP and IMAP servers (<c>scripts/lib/mail.sh</c>); skipped loudly
/// without either on a developer machine, run (and failing) under CI.
/// </summary>
public sealed class BrowserMailFactAttribute : FactAttribute
{
    public BrowserMailFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            return;
        }

        if (!File.Exists(Browser.ExecutablePath))
        {
            Skip = $"SKIPPED: no browser at {Browser.ExecutablePath}.";
        }
        else if (TestMail.Smtp is null || TestMail.Imap is null)
        {
            Skip = "SKIPPED: no mail servers (set HUB_TEST_SMTP and HUB_TEST_IMAP, or `source scripts/lib/mail.sh && start_mail`).";
        }
    }
}

/// <summary>Hub on a loopback socket whose connection test may reach the loopback test mail servers.</summary>
public sealed class ChannelSetupApp : HubApp
{
    public ChannelSetupApp()
    {
        UseRealSockets = true;
        Settings["Channels:AllowPrivateHosts"] = "true";
        Settings["Email:ImapEnabled"] = "false"; // only the connection test talks to the mailbox
    }
}

/// <summary>Setting a channel up from the dashboard alone, in headless Chromium.</summary>
public sealed class DashboardChannelTests(ChannelSetupApp app, ITestOutputHelper output) : IClassFixture<ChannelSetupApp>
{
    [BrowserMailFact]
    public async Task An_admin_adds_an_email_channel_through_the_form_and_its_connection_test_passes()
    {
        var user = $"e2e{Guid.NewGuid():N}"[..20];
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await DashboardHubApp.SignInAsync(browser, app.Address!, HubApp.AdminEmail, HubApp.AdminPassword);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");

        await page.GotoAsync("/settings");
        await Expect(page.Locator("[data-testid=channels-table][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.GetByTestId("add-channel-email").ClickAsync();
        await Expect(page.GetByTestId("channel-editor")).ToBeVisibleAsync();

        await page.GetByTestId("channel-name").FillAsync("Support mail");
        await page.GetByTestId("channel-address").FillAsync($"{user}@hub.test");
        foreach (var (prefix, server, login) in new[] { ("smtp", TestMail.Smtp!.Value, "hub"), ("imap", TestMail.Imap!.Value, user) })
        {
            await page.GetByTestId($"setting-{prefix}_host").FillAsync(server.Host);
            await page.GetByTestId($"setting-{prefix}_port").FillAsync(server.Port.ToString(CultureInfo.InvariantCulture));
            await page.GetByTestId($"setting-{prefix}_security").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "None (unencrypted)" }).ClickAsync();
            await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
            await page.GetByTestId($"setting-{prefix}_username").FillAsync(login);
            await page.GetByTestId($"setting-{prefix}_password").FillAsync(TestMail.Password);
        }

        await page.GetByTestId("channel-save").ClickAsync();
        await Expect(page.GetByTestId("channel-saved")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("channels-table")).ToContainTextAsync("Support mail");
        // Saved secrets are write-only from here on: "set", and a Replace button, never the value.
        await Expect(page.GetByTestId("secret-smtp_password-set")).ToHaveValueAsync("set");
        await Expect(page.GetByTestId("setting-smtp_password")).ToHaveCountAsync(0);

        await page.GetByTestId("channel-check").ClickAsync();
        await Expect(page.GetByTestId("channel-check-result")).ToHaveAttributeAsync("data-ok", "true", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("check-smtp-greeting")).ToContainTextAsync("Hub test mail sink");
        await Expect(page.GetByTestId("check-imap-detail")).ToContainTextAsync("INBOX: 0 messages.");
        await Expect(page.GetByTestId("channels-table")).ToContainTextAsync("healthy");
        await page.GetByTestId("channel-check-result").ScrollIntoViewIfNeededAsync();
        await DashboardHubApp.ScreenshotAsync(page, "settings-channel-email");
    }
}
