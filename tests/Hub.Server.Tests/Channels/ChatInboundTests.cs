using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Core.Webhooks;
using Hub.Server.Modules.Channels.Chat;
using Hub.Server.Modules.Webhooks;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks.Outbound;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Server.Tests.Channels;

/// <summary>
/// Web chat messages take the inbox's one inbound path: they announce themselves to webhook subscribers, reopen a
/// snoozed conversation properly, and stay under the chat channel (the site) whose widget they came from.
/// </summary>
public sealed class ChatInboundTests(ChatInboundTests.ChatHub hub) : IClassFixture<ChatInboundTests.ChatHub>
{
    /// <summary>Hub on real sockets for the widget's SignalR connection; the test drives webhook dispatch to a loopback receiver.</summary>
    public sealed class ChatHub : IAsyncLifetime
    {
        public ChatHub()
        {
            App.Settings["Webhooks:Enabled"] = "false";
            App.Settings["Webhooks:AllowPrivateTargets"] = "true";
        }

        public LiveHubApp App { get; } = new();

        public WebhookReceiver Receiver { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await App.InitializeAsync();
            Receiver = await WebhookReceiver.StartAsync();
        }

        public async Task DisposeAsync()
        {
            await Receiver.DisposeAsync();
            await ((IAsyncLifetime)App).DisposeAsync();
        }

        /// <summary>One dispatcher pass, as the webhook worker makes it.</summary>
        public Task<int> DispatchAsync() => WebhookWorker.RunOnceAsync(App.Services.GetRequiredService<IServiceScopeFactory>(), "test",
            App.Services.GetRequiredService<IOptions<WebhookOptions>>().Value, CancellationToken.None);
    }

    [Fact]
    public async Task A_chat_message_is_delivered_to_an_inbox_message_received_webhook()
    {
        var admin = await hub.App.NewWorkspaceAsync($"Chat hooks {Guid.NewGuid():N}");
        var target = new Uri(hub.Receiver.Url, $"chat-{Guid.NewGuid():N}");
        await WebhooksHub.SubscribeAsync(admin, target, WebhookSubjects.MessageReceived);
        var (_, widgetKey) = await ChatChannelAsync(admin, "Website");
        await using var visitor = await VisitorAsync(widgetKey);

        var sent = await visitor.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Is anyone there?"));

        while (await hub.DispatchAsync() > 0)
        {
        }

        var delivered = Assert.Single(hub.Receiver.Requests, r => r.Path == target.AbsolutePath);
        var envelope = JsonDocument.Parse(delivered.Body).RootElement;
        Assert.Equal(WebhookSubjects.MessageReceived, envelope.Str("subject"));
        var data = envelope.GetProperty("data");
        Assert.Equal((sent.MessageId.ToString(), sent.ConversationId.ToString(), "Is anyone there?", "chat", "inbound"),
            (data.Str("message_id"), data.Str("conversation_id"), data.Str("text"), data.Str("channel"), data.Str("direction")));
    }

    [Fact]
    public async Task A_visitor_writing_into_a_snoozed_chat_reopens_it_with_no_snooze_left()
    {
        var admin = await hub.App.NewWorkspaceAsync($"Chat snooze {Guid.NewGuid():N}");
        var (_, widgetKey) = await ChatChannelAsync(admin, "Website");
        await using var visitor = await VisitorAsync(widgetKey);
        var first = await visitor.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "I'll be back tomorrow"));
        var snoozed = await admin.PatchAsJsonAsync($"/api/v1/conversations/{first.ConversationId}",
            new { status = "snoozed", snoozed_until = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Equal(HttpStatusCode.OK, snoozed.StatusCode);

        var second = await visitor.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Actually, one more thing"));

        Assert.Equal(first.ConversationId, second.ConversationId);
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{first.ConversationId}");
        Assert.Equal("open", conversation.Str("status"));
        Assert.Equal(JsonValueKind.Null, conversation.GetProperty("snoozed_until").ValueKind);
    }

    [Fact]
    public async Task Two_sites_chat_channels_keep_their_visitors_conversations_apart()
    {
        var admin = await hub.App.NewWorkspaceAsync($"Two sites {Guid.NewGuid():N}");
        var (shopId, shopKey) = await ChatChannelAsync(admin, "Shop");
        var (helpId, helpKey) = await ChatChannelAsync(admin, "Help centre"); // the newer one: not what "the first chat channel" finds

        // The same visitor (one visitor id) chats on the help centre, then on the shop.
        await using var onHelp = await VisitorAsync(helpKey);
        var help = await onHelp.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "How do I reset my password?"));
        await using var onShop = await VisitorAsync(shopKey, onHelp.VisitorId);
        var shop = await onShop.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Do you ship to Norway?"));

        Assert.NotEqual(help.ConversationId, shop.ConversationId);
        Assert.Equal(helpId, (await admin.GetJsonAsync($"/api/v1/conversations/{help.ConversationId}")).Str("channel_id"));
        Assert.Equal(shopId, (await admin.GetJsonAsync($"/api/v1/conversations/{shop.ConversationId}")).Str("channel_id"));

        // Back on the help centre, the visitor continues that site's conversation, not the shop's.
        var again = await onHelp.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Found it, thanks"));
        Assert.Equal(help.ConversationId, again.ConversationId);
    }

    private static async Task<(string Id, string WidgetKey)> ChatChannelAsync(HttpClient admin, string name)
    {
        var key = WidgetApi.NewWidgetKey();
        var created = await admin.PostJsonAsync("/api/v1/channels", new { name, type = "chat", provider = "webchat", address = key });
        return (created.Str("id"), key);
    }

    private sealed class Visitor(RealtimeClient client, string visitorId) : IAsyncDisposable
    {
        public HubConnection Connection => client.Connection;

        public string VisitorId => visitorId;

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }

    /// <summary>What the widget does on a site: a session for its key (and the visitor's id, when it has one), then the client hub.</summary>
    private async Task<Visitor> VisitorAsync(string widgetKey, string? visitorId = null)
    {
        var session = await hub.App.Anonymous().PostJsonAsync("/api/v1/widget/sessions", new { widget_key = widgetKey, visitor_id = visitorId });
        var client = await RealtimeClient.ConnectAsync(new Uri(hub.App.Address!, "/hubs/client"), session.Str("token"));
        return new Visitor(client, session.Str("visitor_id"));
    }
}
