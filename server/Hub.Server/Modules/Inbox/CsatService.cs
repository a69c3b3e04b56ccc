using Hub.Data.Analytics;
using Hub.Core.Analytics;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// The CSAT survey: when an agent resolves a conversation that has a message from the contact, asks the
/// <see cref="CsatOptions.Question"/> once on the conversation's channel (email / SMS / WhatsApp through the outbox
/// with <see cref="OutboundWriter"/>, web chat as a live message), in the caller's transaction. A reply within the
/// window that is just a score is the answer (stored, <c>csat_response</c> recorded, the conversation stays
/// resolved); any other reply ends the survey and reopens the conversation as usual.
/// </summary>
public sealed class CsatService(
    HubDbContext db,
    OutboundWriter outbound,
    RealtimeBatch realtime,
    IOptions<CsatOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// Asks for a score after <paramref name="conversation"/> was resolved, unless CSAT is off, the contact never
    /// wrote, a survey of it is still open, or the contact can't be reached on the channel. Runs inside the caller's
    /// open unit of work and saves (the question goes out once it commits). Returns the survey, or null when none was asked.
    /// </summary>
    public async Task<CsatSurvey?> AskAsync(Conversation conversation, Guid? resolvedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (!options.Value.Enabled || conversation.Status != ConversationStatus.Resolved)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (!await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound, cancellationToken)
            || await OpenSurvey(conversation.Id, now).AnyAsync(cancellationToken))
        {
            return null;
        }

        Message? question;
        if (conversation.ChannelType == ChannelType.Chat)
        {
            question = await AskOnChatAsync(conversation, now, cancellationToken);
        }
        else
        {
            var subject = string.IsNullOrWhiteSpace(conversation.Subject) ? "How did we do?"
                : conversation.Subject.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? conversation.Subject : $"Re: {conversation.Subject}";
            var sent = await outbound.QueueAsync(conversation.WorkspaceId, new ContactMessage(conversation.ChannelType, subject, options.Value.Question)
            {
                ContactId = conversation.ContactId,
                ConversationId = conversation.Id,
                Metadata = new() { ["csat"] = AnalyticsRecorder.Json(true) },
            }, cancellationToken);
            question = sent.Message;
        }

        if (question is null)
        {
            return null; // no address, no channel, or suppressed: nobody to ask
        }

        var survey = new CsatSurvey
        {
            ConversationId = conversation.Id,
            ContactId = conversation.ContactId,
            ChannelType = conversation.ChannelType,
            AgentId = conversation.AssigneeId ?? resolvedBy,
            Team = conversation.Team,
            ResolvedBy = resolvedBy,
            QuestionMessageId = question.Id,
            AskedAt = now,
            ExpiresAt = now + options.Value.ResponseWindow,
        };
        db.CsatSurveys.Add(survey);
        await db.SaveChangesAsync(cancellationToken);
        return survey;
    }

    /// <summary>
    /// Called with a contact's reply before it is saved. When a survey of the conversation is open and the reply is
    /// just a score, records the answer (and its <c>csat_response</c> analytics event) and returns true: the caller
    /// leaves the conversation resolved. Any other reply ends the survey and returns false.
    /// </summary>
    public async Task<bool> TakeReplyAsync(Conversation conversation, Message reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(reply);
        var now = clock.GetUtcNow();
        var survey = await OpenSurvey(conversation.Id, now).OrderByDescending(s => s.AskedAt).FirstOrDefaultAsync(cancellationToken);
        if (survey is null)
        {
            return false;
        }

        var score = conversation.Status == ConversationStatus.Resolved ? CsatScore.Parse(reply.Text) : null;
        if (score is null)
        {
            survey.ClosedAt = now;
            return false;
        }

        survey.Score = score;
        survey.RespondedAt = now;
        survey.ResponseMessageId = reply.Id;
        AnalyticsRecorder.Record(db, new AnalyticsRecord(conversation.WorkspaceId, AnalyticsEventTypes.InboxFamily, AnalyticsEventTypes.CsatResponse, "hub.inbox", now)
        {
            UserId = conversation.ContactId.ToString(),
            Value = score,
            Data = new()
            {
                ["conversation_id"] = AnalyticsRecorder.Json(conversation.Id),
                ["survey_id"] = AnalyticsRecorder.Json(survey.Id),
                ["score"] = AnalyticsRecorder.Json(score.Value),
                ["agent_id"] = AnalyticsRecorder.Json(survey.AgentId),
                ["team"] = AnalyticsRecorder.Json(survey.Team),
                ["channel"] = AnalyticsRecorder.Json(conversation.ChannelType.ToString().ToLowerInvariant()),
            },
        });
        return true;
    }

    /// <summary>
    /// The contact's resolved conversation on <paramref name="channel"/> (and thread key, when given) that waits for a
    /// score, so a reply lands there rather than in a new conversation.
    /// </summary>
    public Task<Conversation?> AwaitingScoreAsync(Guid contactId, ChannelType channel, string? threadKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var waiting = db.CsatSurveys.Where(s => s.ContactId == contactId && s.ChannelType == channel
            && s.RespondedAt == null && s.ClosedAt == null && s.ExpiresAt > now).Select(s => s.ConversationId);
        return db.Conversations
            .Where(c => c.ContactId == contactId && c.ChannelType == channel && c.Status == ConversationStatus.Resolved
                && (threadKey == null || c.ThreadKey == threadKey) && waiting.Contains(c.Id))
            .OrderByDescending(c => c.ResolvedAt).FirstOrDefaultAsync(cancellationToken);
    }

    private IQueryable<CsatSurvey> OpenSurvey(Guid conversationId, DateTimeOffset now) =>
        db.CsatSurveys.Where(s => s.ConversationId == conversationId && s.RespondedAt == null && s.ClosedAt == null && s.ExpiresAt > now);

    private async Task<Message> AskOnChatAsync(Conversation conversation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var message = new Message
        {
            ConversationId = conversation.Id,
            ChannelId = conversation.ChannelId,
            ChannelType = ChannelType.Chat,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Sent,
            SenderType = SenderType.System,
            Text = options.Value.Question,
            Metadata = new() { ["csat"] = AnalyticsRecorder.Json(true) },
            CreatedAt = now,
            UpdatedAt = now,
            SentAt = now,
        };
        db.Messages.Add(message);
        conversation.MessageCount++;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await realtime.MessageAsync(conversation.WorkspaceId, RealtimeEventNames.MessageReceived, message, conversation.ContactId, cancellationToken);
        return message;
    }
}
