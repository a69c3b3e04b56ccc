using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>Inbound messages find their conversation the way a support person would expect, and only once.</summary>
[Collection(HubCollection.Name)]
public sealed class InboundThreadingTests(HubApp app)
{
    [Fact]
    public async Task Email_replies_thread_by_in_reply_to_then_references_then_subject_but_never_across_contacts()
    {
        var workspace = await WorkspaceAsync();
        var alice = $"alice-{Guid.NewGuid():N}@example.com";
        var first = await ReceiveAsync(Email(workspace, alice, "Order 42 is late", "<a1@example.com>"));
        Assert.True(first.NewConversation);

        var byHeader = await ReceiveAsync(Email(workspace, alice, "something else entirely", "<a2@example.com>") with { InReplyTo = "<a1@example.com>" });
        Assert.Equal(first.ConversationId, byHeader.ConversationId);

        var byReferences = await ReceiveAsync(Email(workspace, alice, "x", "<a3@example.com>") with { InReplyTo = "<unknown@elsewhere>", References = ["<a1@example.com>", "<unknown@elsewhere>"] });
        Assert.Equal(first.ConversationId, byReferences.ConversationId);

        var bySubject = await ReceiveAsync(Email(workspace, alice, "RE: Fwd: order 42 is late", "<a4@example.com>"));
        Assert.Equal(first.ConversationId, bySubject.ConversationId);

        // Bob quotes Alice's message id and subject: still his own conversation.
        var bob = $"bob-{Guid.NewGuid():N}@example.com";
        var bobs = await ReceiveAsync(Email(workspace, bob, "Re: Order 42 is late", "<b1@example.com>") with { InReplyTo = "<a1@example.com>" });
        Assert.True(bobs.NewConversation);
        Assert.NotEqual(first.ConversationId, bobs.ConversationId);
    }

    [Fact]
    public async Task A_redelivered_provider_message_is_stored_once()
    {
        var workspace = await WorkspaceAsync();
        var message = Email(workspace, $"dup-{Guid.NewGuid():N}@example.com", "hello", $"<{Guid.NewGuid():N}@example.com>");
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ReceiveAsync(message)));
        Assert.Single(results, r => !r.Duplicate);
        Assert.All(results, r => Assert.Equal(results[0].MessageId, r.MessageId));
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Assert.Equal(1, await db.Messages.IgnoreQueryFilters().CountAsync(m => m.ExternalId == message.ExternalId));
    }

    [Fact]
    public async Task Sms_and_whatsapp_from_one_number_are_one_contact_and_sms_threads_by_number_pair()
    {
        var workspace = await WorkspaceAsync();
        var number = $"+1415555{Random.Shared.Next(1000, 9999)}";
        var sms1 = await ReceiveAsync(Text(workspace, ChannelType.Sms, number, "+15550001111", "hi"));
        var sms2 = await ReceiveAsync(Text(workspace, ChannelType.Sms, number, "+15550001111", "are you there"));
        var wa = await ReceiveAsync(Text(workspace, ChannelType.WhatsApp, $"whatsapp:{number}", "whatsapp:+15550001111", "hello on whatsapp"));
        Assert.Equal(sms1.ConversationId, sms2.ConversationId);
        Assert.NotEqual(sms1.ConversationId, wa.ConversationId);

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var contacts = await db.Conversations.IgnoreQueryFilters().Where(c => c.Id == sms1.ConversationId || c.Id == wa.ConversationId)
            .Select(c => c.ContactId).Distinct().ToListAsync();
        Assert.Single(contacts);
    }

    [Fact]
    public async Task An_angry_message_raises_priority_and_carries_sentiment_and_intent()
    {
        var workspace = await WorkspaceAsync();
        var result = await ReceiveAsync(Email(workspace, $"angry-{Guid.NewGuid():N}@example.com", "Card",
            $"<{Guid.NewGuid():N}@example.com>") with { Text = "This is outrageous, I am furious. You blocked my card and nobody helps me!" });
        var admin = await app.SignedInAsync();
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{result.ConversationId}");
        Assert.Contains(conversation.Str("priority"), new[] { "high", "urgent" });
        var message = await admin.GetJsonAsync($"/api/v1/messages/{result.MessageId}");
        Assert.Equal("negative", message.Str("sentiment_label"));
        Assert.True(message.GetProperty("sentiment_score").GetDouble() < -0.5);
        Assert.False(string.IsNullOrEmpty(message.Str("intent")));
    }

    private async Task<InboundResult> ReceiveAsync(InboundMessage message)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(message, default);
    }

    private async Task<Guid> WorkspaceAsync()
    {
        var admin = await app.SignedInAsync();
        return Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
    }

    internal static InboundMessage Email(Guid workspace, string from, string subject, string messageId) => new()
    {
        WorkspaceId = workspace,
        Channel = ChannelType.Email,
        From = from,
        To = "support@acme.test",
        Subject = subject,
        Text = "Where is my order?",
        ExternalId = messageId,
        ReceivedAt = DateTimeOffset.UtcNow,
    };

    internal static InboundMessage Text(Guid workspace, ChannelType channel, string from, string to, string body) => new()
    {
        WorkspaceId = workspace,
        Channel = channel,
        From = from,
        To = to,
        Text = body,
        ExternalId = $"SM{Guid.NewGuid():N}",
        ReceivedAt = DateTimeOffset.UtcNow,
    };
}
