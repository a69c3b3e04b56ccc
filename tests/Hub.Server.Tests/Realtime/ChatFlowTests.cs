using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.Realtime;

/// <summary>An end user chats with an agent over the two hubs, with receipts, using the official .NET client.</summary>
[Collection(LiveHubCollection.Name)]
public sealed class ChatFlowTests(LiveHubApp app)
{
    [Fact]
    public async Task A_user_message_reaches_agents_live_and_the_agent_reply_reaches_the_user()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        var userId = $"user-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, userId);

        var sent = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Hello, my card is stuck"));

        var received = await agent.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "Hello, my card is stuck");
        Assert.True(received.GetProperty("seq").GetInt64() > 0);
        Assert.StartsWith("ws:", received.Str("stream"), StringComparison.Ordinal);
        Assert.Equal("inbound", received.GetProperty("data").Str("direction"));
        Assert.Equal(userId, received.GetProperty("data").Str("senderId"));
        await agent.WaitForAsync(RealtimeEventNames.ConversationUpdated, e => e.GetProperty("data").Str("id") == sent.ConversationId.ToString());

        await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, "Let me check that for you"));
        var reply = await user.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "Let me check that for you");
        Assert.Equal("outbound", reply.GetProperty("data").Str("direction"));
        Assert.Equal("sent", reply.GetProperty("data").Str("status"));
        Assert.StartsWith("user:", reply.Str("stream"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_receipts_turn_the_other_sides_messages_read_live()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        await using var user = await app.ConnectUserAsync(admin, $"user-{Guid.NewGuid():N}");
        var first = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "question one"));
        var second = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(first.ConversationId, "question two"));

        // The agent reads up to the second: both of the user's messages turn read, and the user sees it.
        var marked = await agent.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(first.ConversationId, second.MessageId));
        Assert.Equal(2, marked);
        await user.WaitForAsync(RealtimeEventNames.MessageUpdated, e => e.GetProperty("data").Str("id") == first.MessageId.ToString() && e.GetProperty("data").Str("status") == "read");
        await user.WaitForAsync(RealtimeEventNames.MessageUpdated, e => e.GetProperty("data").Str("id") == second.MessageId.ToString() && e.GetProperty("data").Str("status") == "read");

        // The user reads the agent's reply: the agents see the tick.
        var reply = await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(first.ConversationId, "answer"));
        await user.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(first.ConversationId, reply.MessageId));
        var tick = await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, e => e.GetProperty("data").Str("id") == reply.MessageId.ToString());
        Assert.Equal("read", tick.GetProperty("data").Str("status"));
        Assert.NotEqual(JsonValueKind.Null, tick.GetProperty("data").GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task The_messagepack_protocol_carries_the_same_events()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin, messagePack: true);
        var received = new TaskCompletionSource<StreamEvent<MessagePayload>>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Connection.On<StreamEvent<MessagePayload>>(RealtimeEventNames.MessageReceived, e =>
        {
            if (e.Data.Text == "over msgpack")
            {
                received.TrySetResult(e);
            }
        });
        var userId = $"user-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, userId, messagePack: true);
        var pushed = new TaskCompletionSource<StreamEvent<PushNotificationMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        user.Connection.On<StreamEvent<PushNotificationMessage>>(RealtimeEventNames.NotificationPush, e => pushed.TrySetResult(e));

        await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "over msgpack"));
        var e = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Core.Inbox.MessageDirection.Inbound, e.Data.Direction);
        Assert.True(e.Seq > 0);

        await admin.PostJsonAsync("/api/v1/notifications", new { user_id = userId, title = "Order shipped", body = "On its way", data = new { order = "A-1", items = 3 } });
        var push = await pushed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Order shipped", push.Data.Title);
        Assert.Equal("A-1", push.Data.Data["order"]?.ToString());
    }
}
