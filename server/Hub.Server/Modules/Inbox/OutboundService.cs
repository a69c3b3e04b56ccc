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
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
/// Agents' replies and notes, from the REST API and the agent hub alike. A reply on web chat reaches the contact live
/// over their stream; on every other channel <see cref="OutboundWriter"/> writes the message and its outbox row in one
/// transaction with the reply's live events, and delivery workers send it.
/// </summary>
public sealed partial class OutboundService(
    HubDbContext db,
    UnitOfWork work,
    OutboundWriter writer,
    ConversationMessaging chat,
    RealtimeBatch realtime,
    RealtimeDispatcher dispatcher,
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
            var live = await chat.SendFromAgentAsync(workspaceId, memberId ?? Guid.Empty, new SendMessageRequest(conversationId, request.Content), cancellationToken);
            return await db.Messages.AsNoTracking().FirstAsync(m => m.Id == live.MessageId, cancellationToken);
        }

        return (await QueueReplyAsync(workspaceId, conversation, type, memberId, request, cancellationToken)).Message;
    }

    /// <summary>
    /// An agent's <c>message.send</c> on the agent hub: the same reply as <see cref="ReplyAsync"/>, its refusals as hub
    /// errors (<c>not_found</c>, <c>invalid</c> for the content, <c>refused</c> for the recipient: no address, suppressed,
    /// no channel).
    /// </summary>
    public async Task<SendMessageResult> SendFromHubAsync(Guid workspaceId, Guid memberId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ConversationId is not { } id)
        {
            throw new RealtimeRefusal("invalid", "conversationId is required.");
        }

        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new RealtimeRefusal("not_found", "No such conversation.");
        if (conversation.ChannelType == ChannelType.Chat)
        {
            return await chat.SendFromAgentAsync(workspaceId, memberId, request, cancellationToken);
        }

        var content = chat.CheckContent(request.Content);
        try
        {
            var (message, seq) = await QueueReplyAsync(workspaceId, conversation, conversation.ChannelType, memberId,
                new ReplyRequest(content, null, false, null), cancellationToken);
            return new SendMessageResult(conversation.Id, message.Id, seq);
        }
        catch (ReplyRefused refused)
        {
            throw new RealtimeRefusal(refused.Field == "content" ? "invalid" : "refused", refused.Message);
        }
    }

    private async Task<(Message Message, long Seq)> QueueReplyAsync(
        Guid workspaceId, Conversation conversation, ChannelType type, Guid? memberId, ReplyRequest request, CancellationToken cancellationToken)
    {
        CheckSize(type, request);
        await using var change = await work.BeginAsync(cancellationToken);
        var result = await writer.QueueAsync(workspaceId, new ContactMessage(type, type == ChannelType.Email ? ReplySubject(conversation.Subject) : null, request.Content, request.Html)
        {
            ContactId = conversation.ContactId,
            ConversationId = conversation.Id,
            SenderType = memberId is null ? SenderType.System : SenderType.Member,
            SenderId = memberId?.ToString(),
        }, cancellationToken);
        if (result.Message is not { } message)
        {
            var name = type.ToString().ToLowerInvariant();
            throw new ReplyRefused("channel", result.RefusalCode == OutboundRefusals.NoAddress
                ? $"The contact has no {name} address to reply to."
                : result.Refusal!);
        }

        Reopen(conversation, message.CreatedAt, memberId is not null);
        await db.SaveChangesAsync(cancellationToken);
        var (seq, _) = await realtime.MessageAsync(workspaceId, RealtimeEventNames.MessageReceived, message, null, cancellationToken);
        await realtime.ConversationAsync(workspaceId, conversation, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return (message, seq);
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

        await using var change = await work.BeginAsync(cancellationToken);
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
        var excerpt = TextCut.Cut(note.Text, 141, "…");
        foreach (var mentioned in note.Mentions.Where(m => m != memberId))
        {
            work.AfterCommit(_ => dispatcher.MentionAsync(mentioned, new MentionNotice(conversation.Id, note.Id, note.SenderId, excerpt)));
        }

        await change.CommitAsync(cancellationToken);

        return note;
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

    /// <summary>An agent's reply is the conversation's first response, and reopens it when it was resolved or snoozed.</summary>
    private static void Reopen(Conversation conversation, DateTimeOffset now, bool byAgent)
    {
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
