using Hub.Core.Inbox;
using Hub.Core.Intelligence;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// Tags an inbound message with sentiment and intent, and lets them change what happens: an angry customer's
/// conversation jumps the queue (priority up), and an intent the workspace routes goes to that team.
/// </summary>
public sealed partial class MessageClassifier(ISentimentClassifier sentiment, IIntentClassifier intents, IOptions<InboxOptions> options, ILogger<MessageClassifier> logger)
{
    /// <summary>Labels the message; <paramref name="intentTeams"/> (a new conversation's routing) may give the conversation a team.</summary>
    public void Classify(Message message, Conversation conversation, IReadOnlyDictionary<string, string>? intentTeams)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(conversation);
        try
        {
            Apply(message, conversation, intentTeams);
        }
#pragma warning disable CA1031 // a classifier fault must never lose the customer's message: it is stored unlabelled
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogClassifierFailed(logger, ex, message.Id);
        }
    }

    private void Apply(Message message, Conversation conversation, IReadOnlyDictionary<string, string>? intentTeams)
    {
        var mood = sentiment.Classify(message.Text);
        message.SentimentScore = Math.Round(mood.Score, 3);
        message.SentimentLabel = mood.LabelName;
        var intent = intents.Classify(message.Text);
        message.Intent = intent.Intent;
        message.IntentConfidence = Math.Round(intent.Confidence, 3);

        var raise = mood.Score <= options.Value.UrgentBelowSentiment ? Priority.Urgent
            : mood.Score <= options.Value.HighBelowSentiment ? Priority.High
            : conversation.Priority;
        if (raise > conversation.Priority)
        {
            conversation.Priority = raise;
        }

        if (intentTeams is not null && conversation.Team is null && !intent.IsUnknown
            && intentTeams.TryGetValue(intent.Intent, out var team))
        {
            conversation.Team = team;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Classifying message {MessageId} failed; it is stored without labels")]
    private static partial void LogClassifierFailed(ILogger logger, Exception exception, Guid messageId);
}
