using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Where every inbound message lands, whatever the channel (email, SMS/WhatsApp, web chat): finds the contact and the
/// conversation (email by In-Reply-To, then References, then contact + subject within a window — never across
/// contacts; SMS/WhatsApp by the number pair; chat by the named conversation or the contact's open one on the widget's
/// channel), stores the message once (a re-delivered provider id is ignored), reopens, sets SLA deadlines, classifies,
/// assigns, announces it (live events, the <c>inbox.message.received</c> webhook) and commits all of it at once.
/// </summary>
public sealed class InboxService(
    HubDbContext db,
    UnitOfWork work,
    ScopedWorkspaceContext workspace,
    ContactResolver contacts,
    AssignmentService assignment,
    SlaClock sla,
    MessageClassifier classifier,
    RoutingSettings routing,
    RealtimeBatch realtime,
    IOptions<InboxOptions> options,
    WebhookPublisher webhooks,
    CsatService csat,
    TimeProvider clock) : IInboundProcessor
{
    public async Task<InboundResult> ReceiveAsync(InboundMessage inbound, InboundStep? inTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        inbound = InboundLimits.Clean(inbound);
        workspace.Use(inbound.WorkspaceId);
        var key = inbound.ExternalId is null ? null : $"in:{inbound.Channel}:{inbound.ExternalId}";
        if (key is not null)
        {
            var seen = await db.Messages.Where(m => m.IdempotencyKey == key).Select(m => new { m.Id, m.ConversationId }).FirstOrDefaultAsync(cancellationToken);
            if (seen is not null)
            {
                return new InboundResult(seen.ConversationId, seen.Id, false, true);
            }
        }

        await using var change = await work.BeginAsync(cancellationToken);
        var contactId = inbound.ContactId ?? (await contacts.ResolveAsync(inbound.Channel, inbound.From, inbound.FromName, cancellationToken)).Id;
        var now = clock.GetUtcNow();
        var threadKey = ThreadKey(inbound);
        var conversation = await FindConversationAsync(inbound, contactId, threadKey, cancellationToken);
        var isNew = conversation is null;
        if (conversation is null)
        {
            conversation = new Conversation
            {
                ContactId = contactId,
                ChannelId = inbound.ChannelId ?? await DefaultChannelAsync(inbound.Channel, cancellationToken),
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
            ChannelId = inbound.ChannelId ?? conversation.ChannelId,
            ChannelType = inbound.Channel,
            Direction = MessageDirection.Inbound,
            Status = MessageStatus.Received,
            SenderType = SenderType.Contact,
            // A signed-in chat user is known by their own user id, the one their clients compare messages with.
            SenderId = inbound.ContactId is null ? contactId.ToString() : inbound.From,
            Address = inbound.ContactId is null ? Addresses.Normalize(inbound.Channel, inbound.From) : null,
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
        if (!scored)
        {
            conversation.ReopenOnNewMessage();
        }

        var routes = isNew ? await routing.ForAsync(inbound.WorkspaceId, cancellationToken) : null;
        classifier.Classify(message, conversation, routes?.IntentTeams);
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
        if (routes is { AutoAssign: true } && conversation.AssigneeId is null
            && await assignment.PickAsync(inbound.WorkspaceId, conversation.Team, cancellationToken) is { } assignee)
        {
            conversation.Assign(assignee);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (key is not null)
        {
            await change.RollbackAsync(cancellationToken);
            if (!await IsDuplicateAsync(key, cancellationToken))
            {
                throw;
            }

            // The same provider message arrived twice at once; the other copy won.
            var winner = await db.Messages.IgnoreQueryFilters().AsNoTracking().FirstAsync(m => m.IdempotencyKey == key && m.WorkspaceId == inbound.WorkspaceId, cancellationToken);
            return new InboundResult(winner.ConversationId, winner.Id, false, true);
        }

        if (inTransaction is not null)
        {
            await inTransaction(new InboundResult(conversation.Id, message.Id, isNew, false), cancellationToken);
        }

        await webhooks.PublishAsync(inbound.WorkspaceId, Core.Webhooks.WebhookSubjects.MessageReceived, WebhookData.Message(message), null, cancellationToken);
        // A signed-in sender (chat) has their own stream on Hub: it gets the message too, so their other devices see it.
        var (_, contactSeq) = await realtime.MessageAsync(inbound.WorkspaceId, RealtimeEventNames.MessageReceived, message,
            inbound.ContactId, cancellationToken);
        await realtime.ConversationAsync(inbound.WorkspaceId, conversation, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return new InboundResult(conversation.Id, message.Id, isNew, false, contactSeq);
    }

    private async Task<Conversation?> FindConversationAsync(InboundMessage inbound, Guid contactId, string? threadKey, CancellationToken cancellationToken)
    {
        if (inbound.ConversationId is { } named)
        {
            // The sender checked it is theirs; it is read again here to be changed in this transaction.
            return await db.Conversations.FirstAsync(c => c.Id == named && c.ContactId == contactId, cancellationToken);
        }

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

        // Chat: one site's widget never continues another site's conversation, so the channel is part of the thread.
        var channelId = inbound.Channel == ChannelType.Chat ? inbound.ChannelId : null;
        return await db.Conversations
            .Where(c => c.ContactId == contactId && c.ChannelType == inbound.Channel && c.ThreadKey == threadKey && c.Status != ConversationStatus.Resolved
                && (channelId == null || c.ChannelId == channelId))
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken)
            ?? await csat.AwaitingScoreAsync(contactId, inbound.Channel, threadKey, cancellationToken); // a reply to the CSAT question
    }

    /// <summary>
    /// The channel a new conversation is filed under when the message did not say (a chat user whose token the
    /// customer's backend signed, not a widget): the workspace's first active channel of the type.
    /// </summary>
    private Task<Guid?> DefaultChannelAsync(ChannelType type, CancellationToken cancellationToken) =>
        type == ChannelType.Chat
            ? db.Channels.Where(c => c.Type == type && c.IsActive).OrderBy(c => c.CreatedAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken)
            : Task.FromResult<Guid?>(null);

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
