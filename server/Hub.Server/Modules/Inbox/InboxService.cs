using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Where every inbound message lands: finds the contact and the conversation (email by In-Reply-To, then
/// References, then contact + subject within a window — never across contacts; SMS/WhatsApp by the number
/// pair), stores the message once (a re-delivered provider id is ignored), sets SLA deadlines, assigns, and
/// pushes it to the agents.
/// </summary>
public sealed class InboxService(
    HubDbContext db,
    ScopedWorkspaceContext workspace,
    ContactResolver contacts,
    AssignmentService assignment,
    SlaClock sla,
    MessageClassifier classifier,
    RealtimeBatch realtime,
    IOptions<InboxOptions> options,
    WebhookPublisher webhooks,
    CsatService csat,
    TimeProvider clock) : IInboundProcessor
{
    public async Task<InboundResult> ReceiveAsync(InboundMessage inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        inbound = InboundLimits.Clean(inbound);
        workspace.Use(inbound.WorkspaceId);
        var key = $"in:{inbound.Channel}:{inbound.ExternalId}";
        var seen = await db.Messages.Where(m => m.IdempotencyKey == key).Select(m => new { m.Id, m.ConversationId }).FirstOrDefaultAsync(cancellationToken);
        if (seen is not null)
        {
            return new InboundResult(seen.ConversationId, seen.Id, false, true);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var contact = await contacts.ResolveAsync(inbound.Channel, inbound.From, inbound.FromName, cancellationToken);
        var now = clock.GetUtcNow();
        var threadKey = ThreadKey(inbound);
        var conversation = await FindConversationAsync(inbound, contact.Id, threadKey, cancellationToken);
        var isNew = conversation is null;
        if (conversation is null)
        {
            conversation = new Conversation
            {
                ContactId = contact.Id,
                ChannelId = inbound.ChannelId,
                ChannelType = inbound.Channel,
                Subject = inbound.Subject,
                ThreadKey = threadKey,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Conversations.Add(conversation);
        }

        var message = new Message
        {
            ConversationId = conversation.Id,
            ChannelId = inbound.ChannelId,
            ChannelType = inbound.Channel,
            Direction = MessageDirection.Inbound,
            Status = MessageStatus.Received,
            SenderType = SenderType.Contact,
            SenderId = contact.Id.ToString(),
            Address = Addresses.Normalize(inbound.Channel, inbound.From),
            Subject = inbound.Subject,
            Text = inbound.Text,
            Html = inbound.Html,
            Attachments = [.. inbound.Attachments],
            ExternalId = inbound.ExternalId,
            IdempotencyKey = key,
            Metadata = Threading(inbound),
            CreatedAt = now,
            UpdatedAt = now,
        };
        // A CSAT score leaves the conversation resolved; anything else reopens it.
        var scored = !isNew && await csat.TakeReplyAsync(conversation, message, cancellationToken);
        if (!scored && conversation.Status is ConversationStatus.Resolved or ConversationStatus.Snoozed)
        {
            conversation.Status = ConversationStatus.Open;
            conversation.ResolvedAt = null;
            conversation.SnoozedUntil = null;
        }

        classifier.Classify(message, conversation, isNew);
        if (isNew)
        {
            await sla.StartAsync(conversation, cancellationToken); // priority may have changed with the sentiment
        }

        db.Messages.Add(message);
        conversation.MessageCount++;
        if (!scored)
        {
            conversation.UnreadCount++;
        }

        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        if (isNew && options.Value.AutoAssign && conversation.AssigneeId is null)
        {
            conversation.AssigneeId = await assignment.PickAsync(inbound.WorkspaceId, conversation.Team, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(cancellationToken);
            if (!await IsDuplicateAsync(key, cancellationToken))
            {
                throw;
            }

            // The same provider message arrived twice at once; the other copy won.
            var winner = await db.Messages.IgnoreQueryFilters().AsNoTracking().FirstAsync(m => m.IdempotencyKey == key && m.WorkspaceId == inbound.WorkspaceId, cancellationToken);
            return new InboundResult(winner.ConversationId, winner.Id, false, true);
        }

        await webhooks.PublishAsync(inbound.WorkspaceId, Core.Webhooks.WebhookSubjects.MessageReceived, WebhookData.Message(message), null, cancellationToken);
        await realtime.MessageAsync(inbound.WorkspaceId, RealtimeEventNames.MessageReceived, message, null, cancellationToken);
        await realtime.ConversationAsync(inbound.WorkspaceId, conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await realtime.PublishAsync();
        return new InboundResult(conversation.Id, message.Id, isNew, false);
    }

    private async Task<Conversation?> FindConversationAsync(InboundMessage inbound, Guid contactId, string? threadKey, CancellationToken cancellationToken)
    {
        if (inbound.Channel == ChannelType.Email)
        {
            // Headers first: the message replied to, then any id of the thread, newest first.
            foreach (var id in new[] { inbound.InReplyTo }.Concat(inbound.References.Reverse()).Where(i => !string.IsNullOrWhiteSpace(i)))
            {
                var match = await db.Messages.Where(m => m.ExternalId == id).Select(m => m.ConversationId).FirstOrDefaultAsync(cancellationToken);
                if (match != Guid.Empty)
                {
                    var threaded = await db.Conversations.FirstAsync(c => c.Id == match, cancellationToken);
                    if (threaded.ContactId == contactId)
                    {
                        return threaded;
                    }
                }
            }

            var subject = Addresses.NormalizeSubject(inbound.Subject);
            if (subject.Length == 0)
            {
                return null;
            }

            var since = clock.GetUtcNow() - options.Value.SubjectThreadingWindow;
            var recent = await db.Conversations
                .Where(c => c.ContactId == contactId && c.ChannelType == ChannelType.Email && c.LastMessageAt >= since)
                .OrderByDescending(c => c.LastMessageAt).Take(20).ToListAsync(cancellationToken);
            return recent.FirstOrDefault(c => Addresses.NormalizeSubject(c.Subject) == subject);
        }

        return await db.Conversations
            .Where(c => c.ContactId == contactId && c.ChannelType == inbound.Channel && c.ThreadKey == threadKey && c.Status != ConversationStatus.Resolved)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken)
            ?? await csat.AwaitingScoreAsync(contactId, inbound.Channel, threadKey, cancellationToken); // a reply to the CSAT question
    }

    private static string? ThreadKey(InboundMessage inbound) => inbound.Channel switch
    {
        ChannelType.Sms or ChannelType.WhatsApp => InboundLimits.Fit($"{Addresses.Normalize(inbound.Channel, inbound.From)}|{Addresses.Normalize(inbound.Channel, inbound.To ?? string.Empty)}", 500),
        _ => null,
    };

    private static Dictionary<string, JsonElement> Threading(InboundMessage inbound)
    {
        var metadata = new Dictionary<string, JsonElement>();
        if (inbound.InReplyTo is not null)
        {
            metadata["in_reply_to"] = JsonSerializer.SerializeToElement(inbound.InReplyTo);
        }

        if (inbound.References.Count > 0)
        {
            metadata["references"] = JsonSerializer.SerializeToElement(inbound.References);
        }

        if (inbound.To is not null)
        {
            metadata["to"] = JsonSerializer.SerializeToElement(inbound.To);
        }

        return metadata;
    }

    private Task<bool> IsDuplicateAsync(string key, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        return db.Messages.AnyAsync(m => m.IdempotencyKey == key, cancellationToken);
    }
}
