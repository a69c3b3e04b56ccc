using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Delivery;

/// <summary>Hub whose delivery workers are off, so what the writer wrote stays as written.</summary>
public sealed class QuietDeliveryApp : HubApp
{
    public QuietDeliveryApp() => Settings["Delivery:Enabled"] = "false";
}

/// <summary>The one outbound writer, in its batch form (the campaign's) and for a single message.</summary>
public sealed class OutboundWriterTests(QuietDeliveryApp app) : IClassFixture<QuietDeliveryApp>
{
    private static string NewPhone() => "+1646" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(AsyncServiceScope Scope, HubDbContext Db, Guid WorkspaceId)> WorkspaceScopeAsync()
    {
        var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var workspaceId = await db.Workspaces.Select(w => w.Id).FirstAsync();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        return (scope, db, workspaceId);
    }

    [Fact]
    public async Task A_batch_queues_what_it_can_in_one_go_and_says_why_it_refused_the_rest()
    {
        var (scope, db, workspaceId) = await WorkspaceScopeAsync();
        await using var _ = scope;
        var now = DateTimeOffset.UtcNow;
        var sms = new Channel { Name = "Batch SMS", Type = ChannelType.Sms, Provider = DevSinkSender.ProviderName, Address = "+15550009999", CreatedAt = now, UpdatedAt = now };
        db.Channels.Add(sms);
        var regular = new Contact { Phone = NewPhone(), CreatedAt = now, UpdatedAt = now };
        var stopped = new Contact { Phone = NewPhone(), CreatedAt = now, UpdatedAt = now };
        var emailOnly = new Contact { Email = $"{Guid.NewGuid():N}@example.com", CreatedAt = now, UpdatedAt = now };
        var twice = new Contact { Phone = NewPhone(), CreatedAt = now, UpdatedAt = now };
        db.Contacts.AddRange(regular, stopped, emailOnly, twice);
        var earlier = new Conversation
        {
            ContactId = regular.Id, ChannelId = sms.Id, ChannelType = ChannelType.Sms, Status = ConversationStatus.Resolved,
            MessageCount = 4, LastMessageAt = now.AddDays(-2), CreatedAt = now.AddDays(-3), UpdatedAt = now.AddDays(-2),
        };
        var latest = new Conversation
        {
            ContactId = regular.Id, ChannelId = sms.Id, ChannelType = ChannelType.Sms, Status = ConversationStatus.Resolved,
            MessageCount = 2, LastMessageAt = now.AddDays(-1), CreatedAt = now.AddDays(-1), UpdatedAt = now.AddDays(-1),
        };
        db.Conversations.AddRange(earlier, latest);
        db.Suppressions.Add(new Suppression { Channel = ChannelType.Sms, Address = stopped.Phone!, Reason = "STOP", CreatedAt = now });
        await db.SaveChangesAsync();
        var writer = scope.ServiceProvider.GetRequiredService<OutboundWriter>();
        var later = now.AddHours(8);

        ContactMessage Text(Contact contact, string text) => new(ChannelType.Sms, null, text) { ContactId = contact.Id };
        var results = await writer.SendAsync(workspaceId,
        [
            Text(regular, "Your order shipped"),
            Text(stopped, "We miss you"),
            Text(emailOnly, "No phone here"),
            Text(twice, "First of two") with { NotBefore = later, ChannelId = sms.Id },
            Text(twice, "Second of two") with { ChannelId = sms.Id },
            new ContactMessage(ChannelType.Chat, null, "Chat is live only") { ContactId = regular.Id },
        ], CancellationToken.None);

        Assert.Equal(
            $",{OutboundRefusals.Suppressed},{OutboundRefusals.NoAddress},,,{OutboundRefusals.NoChannel}",
            string.Join(',', results.Select(r => r.RefusalCode)));
        Assert.Equal($"{stopped.Phone} is suppressed on sms (bounced or unsubscribed).", results[1].Refusal);

        db.ChangeTracker.Clear();
        var queued = new[] { results[0], results[3], results[4] }.Select(r => r.Message!.Id).ToList();
        var messages = await db.Messages.Where(m => queued.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
        var outbox = await db.Outbox.Where(o => queued.Contains(o.MessageId)).ToDictionaryAsync(o => o.MessageId);
        Assert.Equal(3, outbox.Count);
        Assert.All(queued, id =>
        {
            Assert.Equal(MessageStatus.Queued, messages[id].Status);
            Assert.NotNull(outbox[id].ChannelId);
            Assert.Equal(OutboxState.Pending, outbox[id].State);
            Assert.Equal($"out:{id:N}", messages[id].IdempotencyKey);
        });
        Assert.Equal(regular.Phone, messages[queued[0]].Address);
        Assert.Equal(later, outbox[queued[1]].NextAttemptAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal([sms.Id, sms.Id], new[] { outbox[queued[1]].ChannelId!.Value, outbox[queued[2]].ChannelId!.Value });

        // The regular contact's message threads into their latest SMS conversation; the two to the same new recipient
        // share one new, resolved conversation.
        Assert.Equal(latest.Id, messages[queued[0]].ConversationId);
        Assert.Equal(3, (await db.Conversations.FirstAsync(c => c.Id == latest.Id)).MessageCount);
        Assert.Equal(messages[queued[1]].ConversationId, messages[queued[2]].ConversationId);
        var opened = await db.Conversations.FirstAsync(c => c.Id == messages[queued[1]].ConversationId);
        Assert.Equal((ConversationStatus.Resolved, 2, twice.Id), (opened.Status, opened.MessageCount, opened.ContactId));
        Assert.False(await db.Messages.AnyAsync(m => m.Address == stopped.Phone));
    }

    [Fact]
    public async Task A_message_to_an_address_makes_it_a_contact_and_opens_its_own_conversation_on_the_asked_channel()
    {
        var (scope, db, workspaceId) = await WorkspaceScopeAsync();
        await using var _ = scope;
        var now = DateTimeOffset.UtcNow;
        var older = new Channel { Name = "Main SMS", Type = ChannelType.Sms, Provider = DevSinkSender.ProviderName, CreatedAt = now.AddDays(-1), UpdatedAt = now };
        var asked = new Channel { Name = "Second SMS", Type = ChannelType.Sms, Provider = DevSinkSender.ProviderName, CreatedAt = now, UpdatedAt = now };
        db.Channels.AddRange(older, asked);
        await db.SaveChangesAsync();
        var phone = NewPhone();

        var result = await scope.ServiceProvider.GetRequiredService<OutboundWriter>().SendAsync(workspaceId,
            new ContactMessage(ChannelType.Sms, "Test", "Hello") { To = phone, ChannelId = asked.Id, NewConversation = true, MaxAttempts = 1 },
            CancellationToken.None);

        var message = Assert.IsType<Message>(result.Message);
        db.ChangeTracker.Clear();
        var contactId = await db.ContactIdentities.Where(i => i.ChannelType == ChannelType.Sms && i.Address == phone).Select(i => i.ContactId).SingleAsync();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == message.ConversationId);
        Assert.Equal((contactId, asked.Id, ConversationStatus.Resolved, 1), (conversation.ContactId, conversation.ChannelId, conversation.Status, conversation.MessageCount));
        var row = await db.Outbox.SingleAsync(o => o.MessageId == message.Id);
        Assert.Equal((asked.Id, 1), (row.ChannelId, row.MaxAttempts));
    }
}
