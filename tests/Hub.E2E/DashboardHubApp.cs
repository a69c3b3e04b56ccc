using Hub.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Hub.E2E;

/// <summary>
/// Hub on a real loopback socket with the dashboard, for browser tests: the same host as production
/// (Blazor Server circuits call the API and <c>/hubs/agent</c> over loopback like any client).
/// </summary>
public sealed class DashboardHubApp : HubApp
{
    public DashboardHubApp()
    {
        UseRealSockets = true;
    }


    /// <summary>Where screenshots go (CI keeps them as artefacts; the best are copied into docs/screenshots).</summary>
    public static string ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("HUB_SCREENSHOTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>A page in a fresh browser context, signed in through the sign-in form as <paramref name="email"/>.</summary>
    public Task<IPage> SignInAsync(IBrowser browser, string email, string password, int width = 1400, int height = 900)
        => SignInAsync(browser, Address!, email, password, width, height);

    /// <summary>A page in a fresh browser context, signed in through the sign-in form of the Hub at <paramref name="address"/>.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, Uri address, string email, string password, int width = 1400, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(address);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
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

    /// <summary>Saves a full-page screenshot named <paramref name="name"/>.png.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = false });
    }
}
