using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Server.Modules.Channels.Chat;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Hub.E2E;

/// <summary>
/// The web chat widget, driven in headless Chromium on a customer page (another origin) against a running Hub,
/// with an agent on <c>/hubs/agent</c> and the REST API on the other side.
/// </summary>
public sealed class WebChatWidgetTests(WidgetHubApp app, ITestOutputHelper output) : IClassFixture<WidgetHubApp>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [BrowserFact]
    public async Task Visitor_chats_with_an_agent_through_the_widget_and_a_reload_loses_nothing()
    {
        var admin = await app.SignedInAsync();
        var key = WidgetApi.NewWidgetKey();
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Website chat", type = "chat", provider = "webchat", address = key }))
            .EnsureSuccessStatusCode();
        app.WidgetKey = key;

        var agentToken = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var agent = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/agent"), agentToken);

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 720 } });
        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[browser {m.Type}] {m.Text}");
        page.PageError += (_, e) => output.WriteLine($"[browser error] {e}");

        await page.GotoAsync(app.SiteAddress.ToString());

        // The launcher opens the panel, which asks for name and email first (data-prechat="true").
        var launcher = page.GetByRole(AriaRole.Button, new() { Name = "Open chat" });
        await launcher.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await Expect(launcher).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByLabel("Name")).ToBeFocusedAsync();

        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("valid email");

        await page.GetByLabel("Name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email").FillAsync("Ada@Example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        var message = page.GetByLabel("Message", new() { Exact = true });
        await Expect(message).ToBeVisibleAsync();
        await Expect(message).ToBeFocusedAsync();
        var visitorId = await page.EvaluateAsync<string>("() => window.HubWidget.visitorId");
        Assert.Matches("^v_[A-Za-z0-9]{16,64}$", visitorId);

        // The visitor writes: a conversation appears in the inbox, from that contact, with that text.
        await message.FillAsync("Hello from the widget");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
        var received = await agent.WaitForAsync("message.received", e => Data(e).Str("text") == "Hello from the widget", Wait);
        var conversationId = Data(received).Str("conversationId");
        var visitorMessageId = Data(received).Str("id");

        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{conversationId}");
        Assert.Equal("chat", conversation.Str("channel"));
        Assert.Equal("Ada Lovelace", conversation.Str("contact_name"));
        var contact = await admin.GetJsonAsync($"/api/v1/contacts/{conversation.Str("contact_id")}");
        Assert.Equal("ada@example.com", contact.Str("email"));
        Assert.Equal(visitorId, contact.Str("external_id"));
        var inbox = await admin.GetJsonAsync("/api/v1/conversations?channel=chat");
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), c => c.Str("id") == conversationId);
        var messages = await admin.GetJsonAsync($"/api/v1/conversations/{conversationId}/messages");
        Assert.Contains(Items(messages), m => m.Str("text") == "Hello from the widget");

        var visitorBubble = page.Locator($"li.msg.visitor[data-message-id='{visitorMessageId}']");
        await Expect(visitorBubble).ToContainTextAsync("Hello from the widget");

        // The visitor types: the agent sees it.
        await message.PressSequentiallyAsync("One more th");
        await agent.WaitForAsync("typing.indicator", e => e.Str("userId") == visitorId && e.GetProperty("isTyping").GetBoolean(), Wait);
        await message.FillAsync("");

        // The agent types: the widget shows it.
        await agent.Connection.InvokeAsync("typing.start", new { conversationId });
        var typing = page.Locator(".typing");
        await Expect(typing).ToHaveTextAsync("Agent is typing…");

        // The agent replies: it shows in the widget, the typing line clears, and the open panel sends a read receipt.
        var reply = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Hi Ada! How can I help?" });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var replyId = (await reply.JsonAsync()).Str("id");
        await Expect(page.Locator("li.msg.agent")).ToContainTextAsync("Hi Ada! How can I help?");
        await Expect(typing).ToHaveTextAsync("");
        await agent.WaitForAsync("message.updated", e => Data(e).Str("id") == replyId && Data(e).Str("status") == "read", Wait);

        // The agent reads the conversation: the visitor's message gets its read tick.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/conversations/{conversationId}/read", null)).StatusCode);
        await Expect(visitorBubble.Locator(".tick")).ToHaveAttributeAsync("data-status", "read");
        await Expect(visitorBubble.Locator(".tick")).ToHaveAttributeAsync("aria-label", "Read");

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        var shot = Path.Combine(shots, "widget-chat.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        output.WriteLine($"screenshot: {shot}");

        // The page closes; the agent writes meanwhile; the visitor comes back: same identity, whole history, the new message.
        await page.CloseAsync();
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Are you still there?" })).EnsureSuccessStatusCode();

        page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[browser {m.Type}] {m.Text}");
        await page.GotoAsync(app.SiteAddress.ToString());
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync(); // it was open: it stays open
        await Expect(page.Locator("form.prechat")).ToBeHiddenAsync();
        await Expect(page.Locator("li.msg.agent").Last).ToContainTextAsync("Are you still there?");
        Assert.Equal(visitorId, await page.EvaluateAsync<string>("() => window.HubWidget.visitorId"));
        var texts = await page.Locator("li.msg").AllInnerTextsAsync();
        Assert.Equal(3, texts.Count);
        Assert.Contains("Hello from the widget", texts[0]);
        Assert.Contains("Hi Ada! How can I help?", texts[1]);
        Assert.Contains("Are you still there?", texts[2]);
        await Expect(page.Locator($"li.msg.visitor[data-message-id='{visitorMessageId}'] .tick")).ToHaveAttributeAsync("data-status", "read");

        // The same visitor keeps writing into the same conversation.
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync("Yes, still here");
        await page.Keyboard.PressAsync("Enter");
        var again = await agent.WaitForAsync("message.received", e => Data(e).Str("text") == "Yes, still here", Wait);
        Assert.Equal(conversationId, Data(again).Str("conversationId"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "widget-after-reload.png") });

        // The connection drops under the open page (server side, no goodbye); the agent writes straight away: the widget
        // reconnects by itself, resumes, and shows each message exactly once.
        var connectionsBefore = app.Connections.CountFor(visitorId);
        var dropped = app.Connections.Drop(visitorId);
        output.WriteLine($"dropped {dropped} of {connectionsBefore}");
        Assert.True(dropped > 0);
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Sent during the drop" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "And right after" })).EnsureSuccessStatusCode();
        await Expect(page.Locator("li.msg.agent").Last).ToContainTextAsync("And right after");
        Assert.True(app.Connections.CountFor(visitorId) > connectionsBefore, "the widget did not reconnect");
        await Expect(page.Locator("li.msg")).ToHaveCountAsync(6);
        texts = await page.Locator("li.msg").AllInnerTextsAsync();
        Assert.Single(texts, t => t.Contains("Sent during the drop"));
        Assert.Single(texts, t => t.Contains("And right after"));

        // Escape closes the panel and gives focus back to the launcher.
        await page.GetByLabel("Message", new() { Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Open chat" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Sessions_refuse_unknown_keys_and_bad_input_and_serve_the_script()
    {
        var admin = await app.SignedInAsync();
        var key = WidgetApi.NewWidgetKey();
        (await admin.PostAsJsonAsync("/api/v1/channels", new { name = "Site", type = "chat", provider = "webchat", address = key })).EnsureSuccessStatusCode();
        var anonymous = app.Anonymous();

        var unknown = await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = "wk_nope" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);

        var claim = await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = key, visitor_id = "42" });
        Assert.Equal(HttpStatusCode.BadRequest, claim.StatusCode);
        Assert.True((await claim.JsonAsync()).GetProperty("errors").TryGetProperty("visitor_id", out _));

        var email = await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = key, email = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        Assert.True((await email.JsonAsync()).GetProperty("errors").TryGetProperty("email", out _));

        var ok = await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = key });
        ok.EnsureSuccessStatusCode();
        Assert.Equal("*", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var session = await ok.JsonAsync();
        Assert.Matches("^v_[A-Za-z0-9]{16,64}$", session.Str("visitor_id"));
        Assert.EndsWith("/hubs/client", session.Str("hub_url"));

        // The token works on /hubs/client, for that visitor.
        await using var user = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), session.Str("token"));
        var sent = await user.Connection.InvokeAsync<JsonElement>("message.send", new { content = "hi" });
        Assert.True(sent.TryGetProperty("conversationId", out _));

        // Again with the same visitor id: the same contact, renamed.
        var again = await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = key, visitor_id = session.Str("visitor_id"), name = "Grace" });
        again.EnsureSuccessStatusCode();
        Assert.Equal(session.Str("visitor_id"), (await again.JsonAsync()).Str("visitor_id"));

        // An inactive channel's key is unknown.
        var channels = await admin.GetJsonAsync("/api/v1/channels?type=chat");
        var channelId = channels.EnumerateArray().First(c => c.Str("address") == key).Str("id");
        (await admin.PatchAsJsonAsync($"/api/v1/channels/{channelId}", new { is_active = false })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = key })).StatusCode);

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/widget/sessions");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await anonymous.SendAsync(preflight);
        Assert.True(answer.IsSuccessStatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var script = await anonymous.GetAsync("/widget.js");
        script.EnsureSuccessStatusCode();
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("public", script.Headers.CacheControl!.ToString());
        var body = await script.Content.ReadAsStringAsync();
        Assert.Contains("HubWidget", body);
        var conditional = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);
    }

    private static JsonElement Data(JsonElement envelope) => envelope.TryGetProperty("data", out var data) ? data : envelope;

    private static IEnumerable<JsonElement> Items(JsonElement page) =>
        page.ValueKind == JsonValueKind.Array ? page.EnumerateArray() : page.GetProperty("items").EnumerateArray();
}
