using System.Net;
using System.Net.Http.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>Events raised on one node reach clients connected to the other, through the Redis backplane.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class CrossNodeEventTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    [RedisFact]
    public Task An_end_user_message_sent_on_node_A_reaches_an_agent_on_node_B_and_the_reply_comes_back() => cluster.RunAsync(async () =>
    {
        // Signed in on A, used on B: both nodes share the signing key.
        var admin = await cluster.AdminTokenAsync(cluster.A);
        await using var agent = await ScaleOutCluster.ConnectAgentAsync(cluster.B, admin);
        var userId = $"a-user-{Guid.NewGuid():N}";
        await using var user = await ScaleOutCluster.ConnectUserAsync(cluster.A, await cluster.MintAsync(cluster.A, admin, userId));

        var text = $"hello from node A {Guid.NewGuid():N}";
        var sent = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, text));

        var received = await agent.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == text);
        Assert.Equal(sent.MessageId.ToString(), received.GetProperty("data").Str("id"));
        Assert.Equal(userId, received.GetProperty("data").Str("senderId"));
        Assert.Equal("inbound", received.GetProperty("data").Str("direction"));
        Assert.StartsWith("ws:", received.Str("stream"), StringComparison.Ordinal);
        await agent.WaitForAsync(RealtimeEventNames.ConversationUpdated, e => e.GetProperty("data").Str("id") == sent.ConversationId.ToString());

        // And back: the agent's reply, raised on B, reaches the user on A.
        var reply = $"reply from node B {Guid.NewGuid():N}";
        await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(sent.ConversationId, reply));
        var back = await user.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == reply);
        Assert.Equal("outbound", back.GetProperty("data").Str("direction"));
        Assert.StartsWith("user:", back.Str("stream"), StringComparison.Ordinal);
    });

    [RedisFact]
    public Task A_push_posted_to_node_B_reaches_the_user_connected_to_node_A() => cluster.RunAsync(async () =>
    {
        var admin = await cluster.AdminTokenAsync(cluster.A);
        var userId = $"pushed-{Guid.NewGuid():N}";
        var token = await cluster.MintAsync(cluster.A, admin, userId);
        await using var user = await ScaleOutCluster.ConnectUserAsync(cluster.A, token);

        using var onB = ScaleOutCluster.Http(cluster.B, admin);
        var response = await onB.PostAsJsonAsync("/api/v1/notifications",
            new { user_id = userId, title = "Order shipped", body = "It left node B", data = new { order = "A-1" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();

        var push = await user.WaitForAsync(RealtimeEventNames.NotificationPush, e => e.GetProperty("data").Str("title") == "Order shipped");
        Assert.Equal(accepted.Str("notification_id"), push.GetProperty("data").Str("notification_id"));
        Assert.Equal(userId, push.GetProperty("data").Str("user_id"));
        Assert.Equal("A-1", push.GetProperty("data").GetProperty("data").Str("order"));
        Assert.StartsWith("user:", push.Str("stream"), StringComparison.Ordinal);

        // B knew the user was online on A (presence lives in Redis), so the push counts as delivered:
        // another device connecting now is not handed it again as a missed push.
        await using var second = await ScaleOutCluster.ConnectUserAsync(cluster.B, token);
        await second.AssertNoneAsync(RealtimeEventNames.NotificationPush, null, second.RoundTripAsync);
        // A push racing the user's connect may arrive both live and as a missed push: with the same seq, which
        // clients drop (at-least-once on the wire, exactly once per seq).
        Assert.Single(user.Events.Where(e => e.Name == RealtimeEventNames.NotificationPush).Select(e => e.Data.GetProperty("seq").GetInt64()).Distinct());
    });
}
