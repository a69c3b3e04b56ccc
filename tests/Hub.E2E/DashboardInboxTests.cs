using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>
/// Hub with the dashboard on a real socket, delivering SMS through the real outbox to a local stand-in for Twilio's
/// Messages API that answers like Twilio and posts signed status callbacks (sent, delivered) back.
/// </summary>
public sealed class DashboardTwilioApp : TwilioRoundTripApp
{
    /// <summary>The Twilio SMS channel the tests create.</summary>
    public Guid ChannelId { get; set; }

    public const string Number = "+15005550006";
}

/// <summary>The agents' inbox in headless Chromium: live arrivals from a signed Twilio webhook, replying, and the delivered tick.</summary>
public sealed class DashboardInboxTests(DashboardTwilioApp app, ITestOutputHelper output) : IClassFixture<DashboardTwilioApp>
{
    private static readonly PageAssertionsToHaveURLOptions Quick = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 15_000 };

    [BrowserFact]
    public async Task An_inbound_sms_appears_live_the_agent_replies_and_sees_it_delivered()
    {
        try
        {
            await InboxFlowAsync();
        }
        catch
        {
            foreach (var line in app.Logs.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("warn", StringComparison.OrdinalIgnoreCase)
                || l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase)))
            {
                output.WriteLine(line);
            }

            throw;
        }
    }

    private async Task InboxFlowAsync()
    {
        var admin = await app.SignedInAsync();
        await CreateChannelAsync(admin);
        (await admin.PostAsJsonAsync("/api/v1/canned-responses", new { short_code = "shipping", content = "Hi {{ contact.first_name }}, your parcel left our warehouse today and arrives tomorrow." }))
            .EnsureSuccessStatusCode();
        await InboundAsync("+14155550101", "Hi, can I change the delivery address for order 1182?");
        var earlier = await InboundAsync("+14155550102", "This is the third time my parcel is late. I want a refund!");
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{earlier}/messages", new { content = "Escalating to the courier — @admin please follow up.", @private = true }))
            .EnsureSuccessStatusCode();

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await DashboardHubApp.SignInAsync(browser, app.Address!, HubApp.AdminEmail, HubApp.AdminPassword, 1400, 900);
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");
        page.Console += (_, m) => output.WriteLine($"[browser {m.Type}] {m.Text}");
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                output.WriteLine($"[browser http {r.Status}] {r.Url}");
            }
        };
        await page.GotoAsync("/inbox");
        await Expect(page.GetByTestId("conversation-item")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("live-state")).ToHaveTextAsync("Live", new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // A customer texts: the conversation shows up at the top of the list, unread, without a reload.
        const string customer = "+14155550123";
        var conversationId = await InboundAsync(customer, "Is my order on its way?");
        var item = page.Locator($"[data-testid=conversation-item][data-id='{conversationId}']");
        await Expect(item).ToBeVisibleAsync(Visible);
        await Expect(page.GetByTestId("conversation-item").First).ToHaveAttributeAsync("data-id", conversationId.ToString());
        await Expect(item.GetByTestId("unread-marker")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

        // The agent opens it, answers with a saved reply, and watches the reply go sent → delivered.
        // Classification and conversation updates re-render the row just after it arrives; let them land before clicking.
        await page.WaitForTimeoutAsync(1500);
        await item.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/inbox/{conversationId}$"), Quick);
        await Expect(page.GetByTestId("thread-messages")).ToContainTextAsync("Is my order on its way?");
        await Expect(page.GetByTestId("channel-badge")).ToHaveTextAsync("SMS");
        await Expect(item.GetByTestId("unread-marker")).ToHaveCountAsync(0);
        var reply = page.GetByTestId("reply-text");
        await reply.FillAsync("/ship");
        await page.GetByTestId("canned-item").First.ClickAsync();
        await Expect(reply).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("your parcel left our warehouse today"));
        await page.GetByTestId("reply-send").ClickAsync();

        var outbound = page.Locator("[data-testid=message][data-direction=outbound]");
        await Expect(outbound).ToContainTextAsync("your parcel left our warehouse today");
        await Expect(outbound.GetByTestId("tick")).ToHaveAttributeAsync("data-status", "delivered", new() { Timeout = 30_000 });
        var sent = Assert.Single(app.Sent, s => s["To"] == customer);
        Assert.Equal(DashboardTwilioApp.Number, sent["From"]);
        Assert.Contains("your parcel left our warehouse today", sent["Body"], StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

        // Keyboard: k moves to the previous conversation in the list, j back; a assigns to me.
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.Keyboard.PressAsync("j");
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/inbox/{conversationId}$"), Quick);
        await page.Keyboard.PressAsync("k");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/inbox/{conversationId}$"), Quick);
        await page.Keyboard.PressAsync("a");
        await Expect(page.GetByTestId("assign-me")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        var assigned = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.NotEqual(JsonValueKind.Null, assigned.GetProperty("assignee_id").ValueKind);

        await DashboardHubApp.ScreenshotAsync(page, "inbox");

        // Tablet width (900 px, an iPad in portrait is 820–834): the panes stack instead of overflowing, and the thread, its reply box and the
        // conversation list all stay reachable without scrolling sideways.
        await page.SetViewportSizeAsync(900, 1180);
        await Expect(page.GetByTestId("thread-messages")).ToContainTextAsync("Is my order on its way?");
        await Expect(page.GetByTestId("reply-text")).ToBeVisibleAsync(Visible);
        await Expect(item).ToBeVisibleAsync(Visible);
        await AssertFitsWidthAsync(page);
        await Expect(page.GetByTestId("contact-pane")).ToBeHiddenAsync();
        await page.GetByTestId("contact-toggle").ClickAsync();
        await Expect(page.GetByTestId("contact-panel")).ToBeVisibleAsync(Visible);
        await Expect(page.GetByTestId("contact-previous")).ToBeVisibleAsync(Visible);
        await DashboardHubApp.ScreenshotAsync(page, "inbox-tablet-contact");
        await page.GetByTestId("contact-close").ClickAsync();
        await Expect(page.GetByTestId("contact-pane")).ToBeHiddenAsync();
        await page.GetByTestId("reply-text").FillAsync("Typed on a tablet");
        await page.GetByTestId("reply-send").ClickAsync();
        await Expect(outbound.Last).ToContainTextAsync("Typed on a tablet");
        await DashboardHubApp.ScreenshotAsync(page, "inbox-tablet");
        await page.GotoAsync("/campaigns");
        await Expect(page.GetByTestId("campaigns-search")).ToBeVisibleAsync(Visible);
        await AssertFitsWidthAsync(page);
    }

    /// <summary>Nothing on the page is wider than the window (no sideways scrolling).</summary>
    private static async Task AssertFitsWidthAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");
    }

    private async Task CreateChannelAsync(HttpClient admin)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS",
            type = "sms",
            provider = "twilio",
            address = DashboardTwilioApp.Number,
            settings = new Dictionary<string, string>
            {
                ["account_sid"] = TwilioRoundTripApp.AccountSid, ["auth_token"] = app.AuthToken, ["from"] = DashboardTwilioApp.Number,
            },
        });
        created.EnsureSuccessStatusCode();
        app.ChannelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var statusUrl = new Uri(app.Address!, $"/webhooks/twilio/{app.ChannelId}/status").AbsoluteUri;
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{app.ChannelId}", new { settings = new Dictionary<string, string> { ["status_callback"] = statusUrl } }))
            .EnsureSuccessStatusCode();
    }

    /// <summary>Posts a text from <paramref name="from"/> to the channel's webhook, signed as Twilio signs; answers its conversation.</summary>
    private async Task<Guid> InboundAsync(string from, string body)
    {
        var url = new Uri(app.Address!, $"/webhooks/twilio/{app.ChannelId}/inbound").AbsoluteUri;
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = TwilioRoundTripApp.AccountSid,
            ["From"] = from, ["To"] = DashboardTwilioApp.Number, ["Body"] = body, ["NumMedia"] = "0", ["ApiVersion"] = "2010-04-01",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(app.AuthToken, url, form));
        using var response = await app.Anonymous().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var admin = await app.SignedInAsync();
        var messages = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/messages?channel_id={app.ChannelId}");
        return messages.GetProperty("items").EnumerateArray().First(m => m.GetProperty("text").GetString() == body).GetProperty("conversation_id").GetGuid();
    }
}
