using System.Text;
using System.Text.RegularExpressions;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Inbox;

/// <summary>What an agent (or the API) writes into a conversation.</summary>
/// <summary>An agent's reply or note. <paramref name="Channel"/> replies on another channel than the conversation's (the contact's address there).</summary>
public sealed record ReplyRequest(string Content, string? Html, bool Private, IReadOnlyList<Guid>? Mentions, ChannelType? Channel = null);

/// <summary>Why a reply can't be sent as asked (answered as 422).</summary>
#pragma warning disable CA1032 // only ever built with a field and a reason
public sealed class ReplyRefused(string field, string reason) : Exception(reason)
#pragma warning restore CA1032
{
    public string Field { get; } = field;
}

/// <summary>
/// Agents' replies and notes. A reply on web chat reaches the contact live over their stream; on every other
/// channel the message and its outbox row are written in one transaction and delivery workers send it.
/// </summary>
public sealed partial class OutboundService(
    HubDbContext db,
    ContactResolver contacts,
    ConversationMessaging chat,
    RealtimeBatch realtime,
    RealtimeDispatcher dispatcher,
    DeliverySignal signal,
    IOptions<InboxOptions> options,
    TimeProvider clock)
{
    public async Task<Message> ReplyAsync(Guid workspaceId, Guid conversationId, Guid? memberId, ReplyRequest request, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken)
            ?? throw new KeyNotFoundException("Conversation");
        if (request.Private)
        {
            return await NoteAsync(workspaceId, conversation, memberId, request, cancellationToken);
        }

        var type = request.Channel ?? conversation.ChannelType;
        if (type == ChannelType.Chat && conversation.ChannelType != ChannelType.Chat)
        {
            throw new ReplyRefused("channel", "Web chat replies only go to a web chat conversation.");
        }

        if (type == ChannelType.Chat)
        {
            var sent = await chat.SendFromAgentAsync(workspaceId, memberId ?? Guid.Empty, new SendMessageRequest(conversationId, request.Content), cancellationToken);
            return await db.Messages.AsNoTracking().FirstAsync(m => m.Id == sent.MessageId, cancellationToken);
        }

        var to = await contacts.AddressOfAsync(conversation.ContactId, type, cancellationToken)
            ?? throw new ReplyRefused("channel", $"The contact has no {type.ToString().ToLowerInvariant()} address to reply to.");
        var channel = await FindChannelAsync(conversation, type, cancellationToken)
            ?? throw new ReplyRefused("channel", $"No active {type.ToString().ToLowerInvariant()} channel is configured.");
        if (await db.Suppressions.AnyAsync(s => s.Channel == type && s.Address == to, cancellationToken))
        {
            throw new ReplyRefused("channel", $"{to} is suppressed on {type.ToString().ToLowerInvariant()} (bounced or unsubscribed).");
        }

        CheckSize(type, request);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var message = new Message
        {
            ConversationId = conversation.Id,
            ChannelId = channel.Id,
            ChannelType = type,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Queued,
            SenderType = memberId is null ? SenderType.System : SenderType.Member,
            SenderId = memberId?.ToString(),
            Address = to,
            Subject = type == ChannelType.Email ? ReplySubject(conversation.Subject) : null,
            Text = request.Content,
            Html = request.Html,
            CreatedAt = now,
            UpdatedAt = now,
        };
        message.IdempotencyKey = $"out:{message.Id:N}";
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxEntry
        {
            MessageId = message.Id,
            ChannelId = channel.Id,
            Channel = type,
            NextAttemptAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        });
        Touch(conversation, now, memberId is not null);
        await db.SaveChangesAsync(cancellationToken);
        await realtime.MessageAsync(workspaceId, RealtimeEventNames.MessageReceived, message, null, cancellationToken);
        await realtime.ConversationAsync(workspaceId, conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await realtime.PublishAsync();
        signal.Wake();
        return message;
    }

    private async Task<Message> NoteAsync(Guid workspaceId, Conversation conversation, Guid? memberId, ReplyRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var mentions = new HashSet<Guid>(request.Mentions ?? []);
        var handles = MentionHandle().Matches(request.Content).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet();
        if (handles.Count > 0)
        {
            var members = await db.Users.Where(m => m.WorkspaceId == workspaceId).Select(m => new { m.Id, m.Email, m.DisplayName }).ToListAsync(cancellationToken);
            foreach (var member in members.Where(m => handles.Contains((m.Email ?? string.Empty).Split('@')[0].ToLowerInvariant())
                || handles.Contains(m.DisplayName.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant())))
            {
                mentions.Add(member.Id);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var note = new Message
        {
            ConversationId = conversation.Id,
            ChannelType = conversation.ChannelType,
            Direction = MessageDirection.Note,
            Status = MessageStatus.Sent,
            SenderType = memberId is null ? SenderType.System : SenderType.Member,
            SenderId = memberId?.ToString(),
            Text = request.Content,
            Mentions = [.. mentions],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Messages.Add(note);
        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await realtime.MessageAsync(workspaceId, RealtimeEventNames.MessageReceived, note, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await realtime.PublishAsync();
        var excerpt = TextCut.Cut(note.Text, 141, "…");
        foreach (var mentioned in note.Mentions.Where(m => m != memberId))
        {
            await dispatcher.MentionAsync(mentioned, new MentionNotice(conversation.Id, note.Id, note.SenderId, excerpt));
        }

        return note;
    }

    private async Task<Channel?> FindChannelAsync(Conversation conversation, ChannelType type, CancellationToken cancellationToken)
    {
        if (type == conversation.ChannelType && conversation.ChannelId is { } id)
        {
            var own = await db.Channels.FirstOrDefaultAsync(c => c.Id == id && c.IsActive, cancellationToken);
            if (own is not null)
            {
                return own;
            }
        }

        return await db.Channels.Where(c => c.Type == type && c.IsActive).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
    }

    private void CheckSize(ChannelType channel, ReplyRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Content))
        {
            throw new ReplyRefused("content", "content is empty.");
        }

        if (channel is ChannelType.Sms or ChannelType.WhatsApp)
        {
            var segments = Hub.Adapters.Sms.SmsSegments.Count(request.Content).Segments;
            if (segments > options.Value.MaxSmsSegments)
            {
                throw new ReplyRefused("content", $"The message needs {segments} SMS segments; at most {options.Value.MaxSmsSegments} are allowed.");
            }
        }
        else if (channel == ChannelType.Email
            && Encoding.UTF8.GetByteCount(request.Content) + Encoding.UTF8.GetByteCount(request.Html ?? string.Empty) > options.Value.MaxEmailBytes)
        {
            throw new ReplyRefused("content", $"The email is over {options.Value.MaxEmailBytes} bytes.");
        }
    }

    private static void Touch(Conversation conversation, DateTimeOffset now, bool byAgent)
    {
        conversation.MessageCount++;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        if (byAgent)
        {
            conversation.FirstResponseAt ??= now;
        }

        conversation.ReopenOnNewMessage(); // replying to a resolved conversation reopens it
    }

    private static string ReplySubject(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "Re: your message" : subject.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";

    [GeneratedRegex(@"(?<![\w@])@([A-Za-z0-9._-]{2,64})")]
    private static partial Regex MentionHandle();
}
