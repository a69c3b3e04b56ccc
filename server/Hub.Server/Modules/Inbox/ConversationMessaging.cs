using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Realtime;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Messages and receipts that travel over the hubs: an end user chatting, an agent replying, either side
/// reading. Each change and its events are written in one transaction, then pushed.
/// </summary>
public sealed class ConversationMessaging(
    HubDbContext db,
    UnitOfWork work,
    RealtimeBatch realtime,
    IInboundProcessor inbox,
    IOptions<RealtimeOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// An end user's chat message: into the given conversation, or their open chat conversation on
    /// <paramref name="channelId"/> (the widget's channel, when their token names one), or a new one. It takes the
    /// inbox's one inbound path; the sequence number returned is the message's in the user's own stream.
    /// </summary>
    public async Task<SendMessageResult> SendFromEndUserAsync(Guid workspaceId, Guid contactId, string userId, Guid? channelId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        var content = CheckContent(request.Content);
        var channel = ChannelType.Chat;
        if (request.ConversationId is { } id)
        {
            // Only their own conversation; a message into it travels as that conversation's channel does.
            channel = await db.Conversations.Where(c => c.Id == id && c.ContactId == contactId).Select(c => (ChannelType?)c.ChannelType)
                .FirstOrDefaultAsync(cancellationToken) ?? throw new RealtimeRefusal("not_found", "No such conversation.");
            channelId = null;
        }

        var stored = await inbox.ReceiveAsync(new InboundMessage
        {
            WorkspaceId = workspaceId,
            ChannelId = channelId,
            Channel = channel,
            From = userId,
            ContactId = contactId,
            ConversationId = request.ConversationId,
            Text = content,
            ExternalId = null, // it comes once, over the user's own connection
            ReceivedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return new SendMessageResult(stored.ConversationId, stored.MessageId, stored.ContactSeq!.Value);
    }

    /// <summary>
    /// An agent's reply on web chat: it reaches the contact live, sent as it is written. Replies on every other
    /// channel go through <see cref="OutboundService"/> and the outbox.
    /// </summary>
    public async Task<SendMessageResult> SendFromAgentAsync(Guid workspaceId, Guid memberId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        var content = CheckContent(request.Content);
        if (request.ConversationId is not { } id)
        {
            throw new RealtimeRefusal("invalid", "conversationId is required.");
        }

        await using var change = await work.BeginAsync(cancellationToken);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such conversation.");
        if (conversation.ChannelType != ChannelType.Chat)
        {
            // Written here it would never be sent: no outbox row, no address, no suppression check.
            throw new InvalidOperationException("Only web chat replies go out live; other replies go through OutboundService.");
        }

        var now = clock.GetUtcNow();
        var message = new Message
        {
            ConversationId = conversation.Id,
            ChannelId = conversation.ChannelId,
            ChannelType = ChannelType.Chat,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Sent,
            SenderType = SenderType.Member,
            SenderId = memberId.ToString(),
            Text = content,
            CreatedAt = now,
            UpdatedAt = now,
            SentAt = now,
        };
        db.Messages.Add(message);
        Touch(conversation, now);
        conversation.FirstResponseAt ??= now;
        await db.SaveChangesAsync(cancellationToken);
        var (agentSeq, _) = await realtime.MessageAsync(workspaceId, RealtimeEventNames.MessageReceived, message, conversation.ContactId, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return new SendMessageResult(conversation.Id, message.Id, agentSeq);
    }

    /// <summary>
    /// A read receipt: the reader has seen <paramref name="receipt"/>'s message and everything before it that the other
    /// side wrote. An agent (<paramref name="contactId"/> null) reads the contact's messages on any channel; an end user
    /// reads the agents' messages to them, and only on web chat, where Hub showed them the messages: on email, SMS and
    /// WhatsApp a message turns read only when its provider says so. Never their own messages, and never a failed or
    /// bounced one.
    /// </summary>
    public async Task<int> MarkReadAsync(Guid workspaceId, Guid? contactId, ReadReceipt receipt, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        var conversation = await db.Conversations.FirstOrDefaultAsync(
            c => c.Id == receipt.ConversationId && (contactId == null || c.ContactId == contactId), cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such conversation.");
        if (contactId is not null && conversation.ChannelType != ChannelType.Chat)
        {
            throw new RealtimeRefusal("invalid",
                $"Read receipts from a client count on web chat only; a {conversation.ChannelType.ToString().ToLowerInvariant()} message turns read when its provider reports it.");
        }

        var upTo = await db.Messages.Where(m => m.Id == receipt.MessageId && m.ConversationId == conversation.Id)
            .Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such message in this conversation.");

        // An end user reads what agents wrote; an agent reads what the contact wrote.
        var direction = contactId is null ? MessageDirection.Inbound : MessageDirection.Outbound;
        var now = clock.GetUtcNow();
        var unread = await db.Messages
            .Where(m => m.ConversationId == conversation.Id && m.Direction == direction && m.CreatedAt <= upTo && m.ReadAt == null)
            .OrderBy(m => m.CreatedAt).ToListAsync(cancellationToken);
        var read = unread.Where(m => m.MarkRead(now)).ToList();
        if (contactId is null)
        {
            conversation.UnreadCount = await db.Messages.CountAsync(
                m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.ReadAt == null && m.CreatedAt > upTo, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var message in read)
        {
            await realtime.MessageAsync(workspaceId, RealtimeEventNames.MessageUpdated, message, conversation.ContactId, cancellationToken);
        }

        await change.CommitAsync(cancellationToken);

        return read.Count;
    }

    /// <summary>The conversation's contact, if the conversation is in the caller's workspace.</summary>
    public Task<Guid?> ContactOfAsync(Guid conversationId, CancellationToken cancellationToken) =>
        db.Conversations.Where(c => c.Id == conversationId).Select(c => (Guid?)c.ContactId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The hubs' limits on a message's text (<c>invalid</c> when empty, <c>payload_too_large</c> over <see cref="RealtimeOptions.MaxContentLength"/>).</summary>
    internal string CheckContent(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new RealtimeRefusal("invalid", "content is empty.");
        }

        return content.Length > options.Value.MaxContentLength
            ? throw new RealtimeRefusal("payload_too_large", $"content is over {options.Value.MaxContentLength} characters.")
            : content;
    }

    private static void Touch(Conversation conversation, DateTimeOffset now)
    {
        conversation.MessageCount++;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
    }
}
