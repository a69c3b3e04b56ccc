using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Adapters.Tests.Sms;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>Hub on real sockets (SignalR over WebSockets) delivering SMS to the local Twilio stand-in.</summary>
public sealed class AgentReplyApp : FakeTwilioApp
{
    public AgentReplyApp() => UseRealSockets = true;
}

/// <summary>
/// An agent replying over <c>/hubs/agent</c> (the JavaScript client's <c>send()</c>) takes the REST reply's path: on
/// SMS the reply is queued in the outbox, sent to Twilio once and can be retried; a suppressed number is refused. And
/// read receipts never move a message the wrong way. The tests share the stand-in's scripted answers, so they run one
/// at a time (one class).
/// </summary>
public sealed class AgentHubReplyTests(AgentReplyApp app) : IClassFixture<AgentReplyApp>
{
    private const string Number = "+15005550006";

    private static string NewNumber() => "+1415" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    private async Task<Guid> SmsChannelAsync(HttpClient admin)
    {
        var channels = await admin.GetJsonAsync("/api/v1/channels");
        var items = channels.ValueKind == JsonValueKind.Array ? channels : channels.GetProperty("items");
        foreach (var channel in items.EnumerateArray())
        {
            if (channel.Str("type") == "sms" && channel.Str("provider") == "twilio")
            {
                return channel.GetProperty("id").GetGuid();
            }
        }

        var created = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS",
            type = "sms",
            provider = "twilio",
            address = Number,
            settings = new Dictionary<string, string> { ["account_sid"] = FakeTwilio.AccountSid, ["auth_token"] = FakeTwilio.AuthToken, ["from"] = Number },
        });
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>A contact with <paramref name="phone"/> (and an end-user id) and an open SMS conversation with them.</summary>
    private async Task<(Guid ConversationId, string UserId)> SmsConversationAsync(HttpClient admin, string phone)
    {
        var channelId = await SmsChannelAsync(admin);
        var userId = $"user-{Guid.NewGuid():N}";
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new { external_id = userId, phone, first_name = "Dana" });
        var conversation = await admin.PostJsonAsync("/api/v1/conversations",
            new { contact_id = contact.GetProperty("id").GetGuid(), channel = "sms", channel_id = channelId });
        return (conversation.GetProperty("id").GetGuid(), userId);
    }

    private Task<RealtimeClient> AgentAsync(HttpClient admin) =>
        RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/agent"), admin.DefaultRequestHeaders.Authorization!.Parameter!);

    private static Func<JsonElement, bool> Update(Guid messageId, string status) =>
        e => e.GetProperty("data").Str("id") == messageId.ToString() && e.GetProperty("data").Str("status") == status;

    private async Task<Guid> WorkspaceIdAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.Select(w => w.Id).FirstAsync();
    }

    [Fact]
    public async Task An_agent_hub_reply_on_sms_reaches_twilio_exactly_once_and_retry_finds_it()
    {
        var admin = await app.SignedInAsync();
        var customer = NewNumber();
        var (conversationId, _) = await SmsConversationAsync(admin, customer);
        await using var agent = await AgentAsync(admin);

        var sent = await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend,
            new SendMessageRequest(conversationId, "Your parcel leaves today"));

        Assert.Equal(conversationId, sent.ConversationId);
        Assert.True(sent.Seq > 0);
        await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, Update(sent.MessageId, "sent"), TimeSpan.FromSeconds(20));
        var request = Assert.Single(app.Twilio.To(customer));
        Assert.Equal("Your parcel leaves today", request.Form["Body"]);
        Assert.Equal(Number, request.Form["From"]);

        var message = await admin.GetJsonAsync($"/api/v1/messages/{sent.MessageId}");
        Assert.Equal(customer, message.Str("address"));
        Assert.Equal("sent", message.Str("delivery"));
        Assert.Equal(1, message.GetProperty("delivery_attempts").GetInt32());

        // The retry endpoint knows the message (it has an outbox row): a sent one is not retried, rather than "not found".
        var retry = await admin.PostAsync($"/api/v1/messages/{sent.MessageId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Single(app.Twilio.To(customer));
    }

    [Fact]
    public async Task A_failed_agent_hub_reply_is_sent_by_a_manual_retry()
    {
        var admin = await app.SignedInAsync();
        var customer = NewNumber();
        var (conversationId, _) = await SmsConversationAsync(admin, customer);
        await using var agent = await AgentAsync(admin);
        app.Twilio.Overrides.Enqueue(http => FakeTwilio.ErrorAsync(http, 400, 21614, "'To' number is not a valid mobile number"));

        var sent = await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend,
            new SendMessageRequest(conversationId, "Can you confirm the address?"));
        await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, Update(sent.MessageId, "failed"), TimeSpan.FromSeconds(20));

        var retry = await admin.PostAsync($"/api/v1/messages/{sent.MessageId}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, Update(sent.MessageId, "sent"), TimeSpan.FromSeconds(20));
        Assert.Equal(2, app.Twilio.To(customer).Count); // the refused try and the retry
    }

    [Fact]
    public async Task An_agent_hub_reply_to_a_suppressed_number_is_refused_with_the_reason_and_nothing_is_stored()
    {
        var admin = await app.SignedInAsync();
        var customer = NewNumber();
        var (conversationId, _) = await SmsConversationAsync(admin, customer);
        var workspaceId = await WorkspaceIdAsync();
        await using (var scope = app.Scope())
        {
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            db.Suppressions.Add(new Suppression { Channel = ChannelType.Sms, Address = customer, Reason = "STOP", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using var agent = await AgentAsync(admin);

        var refused = await Assert.ThrowsAsync<HubException>(() => agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend,
            new SendMessageRequest(conversationId, "Still there?")));
        Assert.Contains("refused:", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{customer} is suppressed on sms", refused.Message, StringComparison.Ordinal);
        var messages = await admin.GetJsonAsync($"/api/v1/conversations/{conversationId}/messages");
        Assert.Empty(messages.GetProperty("items").EnumerateArray());
        Assert.Empty(app.Twilio.To(customer));
    }

    [Fact]
    public async Task An_end_users_read_receipt_leaves_a_failed_sms_reply_failed()
    {
        var admin = await app.SignedInAsync();
        var customer = NewNumber();
        var (conversationId, userId) = await SmsConversationAsync(admin, customer);
        await using var agent = await AgentAsync(admin);
        app.Twilio.Overrides.Enqueue(http => FakeTwilio.ErrorAsync(http, 400, 21614, "'To' number is not a valid mobile number"));
        var reply = await admin.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "We refunded you" });
        var replyId = reply.GetProperty("id").GetGuid();
        await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, Update(replyId, "failed"), TimeSpan.FromSeconds(20));
        await using var user = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), await LiveHubApp.MintAsync(admin, userId));

        await Assert.ThrowsAsync<HubException>(() => user.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(conversationId, replyId)));

        var message = await admin.GetJsonAsync($"/api/v1/messages/{replyId}");
        Assert.Equal("failed", message.Str("status"));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("read_at").ValueKind);
    }

    [Fact]
    public async Task An_end_user_cannot_mark_their_sms_messages_read_only_the_provider_can()
    {
        var admin = await app.SignedInAsync();
        var customer = NewNumber();
        var (conversationId, userId) = await SmsConversationAsync(admin, customer);
        await using var agent = await AgentAsync(admin);
        var sent = await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversationId, "Here is your code: 4411"));
        await agent.WaitForAsync(RealtimeEventNames.MessageUpdated, Update(sent.MessageId, "sent"), TimeSpan.FromSeconds(20));
        await using var user = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), await LiveHubApp.MintAsync(admin, userId));

        var refused = await Assert.ThrowsAsync<HubException>(() => user.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(conversationId, sent.MessageId)));

        Assert.Contains("web chat only", refused.Message, StringComparison.Ordinal);
        var message = await admin.GetJsonAsync($"/api/v1/messages/{sent.MessageId}");
        Assert.NotEqual("read", message.Str("status"));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("read_at").ValueKind);
    }

    [Fact]
    public async Task An_end_users_receipt_on_chat_marks_the_agents_messages_read_never_their_own()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await AgentAsync(admin);
        await using var user = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), await LiveHubApp.MintAsync(admin, $"user-{Guid.NewGuid():N}"));
        var question = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "Is the shop open on Sunday?"));
        var answer = await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(question.ConversationId, "Yes, 10 to 4"));
        var followUp = await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(question.ConversationId, "Thanks!"));

        var marked = await user.Connection.InvokeAsync<int>(RealtimeEventNames.MessageRead, new ReadReceipt(question.ConversationId, followUp.MessageId));

        Assert.Equal(1, marked);
        Assert.Equal("read", (await admin.GetJsonAsync($"/api/v1/messages/{answer.MessageId}")).Str("status"));
        foreach (var own in new[] { question.MessageId, followUp.MessageId })
        {
            var message = await admin.GetJsonAsync($"/api/v1/messages/{own}");
            Assert.Equal("received", message.Str("status"));
            Assert.Equal(JsonValueKind.Null, message.GetProperty("read_at").ValueKind);
        }
    }
}
