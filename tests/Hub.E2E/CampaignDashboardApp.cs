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

    /// <summary>A page in a fresh browser context, signed in through the sign-in form.</summary>
    public Task<IPage> SignInAsync(IBrowser browser, string email, string password, int width = 1400, int height = 900)
        => DashboardHubApp.SignInAsync(browser, Address!, email, password, width, height);
}
