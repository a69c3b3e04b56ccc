using Hub.Core.Delivery;
using Hub.Server.Tests.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hub.E2E;

/// <summary>
/// Hub on a real socket with the dashboard, the campaign runner and delivery workers running for real, and email sent
/// through a <see cref="ScriptedSender"/> so the test can read each message's signed tracking links.
/// </summary>
public sealed class CampaignDashboardApp : HubApp
{
    /// <summary>The address tracking links are signed for (the test hits them on the real socket instead).</summary>
    public const string TrackingBase = "https://hub.test";

    public CampaignDashboardApp()
    {
        UseRealSockets = true;
        ExtraServices = s => s.AddSingleton<IChannelSender>(Sender);
        Settings["Campaigns:SweepInterval"] = "00:00:01";
        Settings["Campaigns:LiveInterval"] = "00:00:00.250";
        Settings["Delivery:PollInterval"] = "00:00:00.200";
        Settings["Tracking:BaseUrl"] = TrackingBase;
        Settings["Tracking:RateLimitPerMinute"] = "1000000";
        Settings["Tracking:ScannerWindow"] = "00:00:00"; // the test opens mail right after delivery; scanners are told by agent
    }

    public ScriptedSender Sender { get; } = new();

    /// <summary>
    /// Serves the build's static web assets (blazor.web.js, MudBlazor's files) as in Development: the "Testing" environment
    /// does not, and without blazor.web.js no circuit starts, so pages would stay prerendered HTML.
    /// </summary>
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Microsoft.AspNetCore.Hosting.WebHostBuilderExtensions.UseStaticWebAssets(builder);
    }

    /// <summary>A page in a fresh browser context, signed in through the sign-in form.</summary>
    public async Task<IPage> SignInAsync(IBrowser browser, string email, string password, int width = 1400, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address!.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return page;
    }
}
