using Hub.Core.Inbox;
using Hub.Core.Intelligence;
using Microsoft.Extensions.Options;

namespace Hub.Server.Inbox;

/// <summary>
/// Tags an inbound message with sentiment and intent, and lets them change what happens: an angry customer's
/// conversation jumps the queue (priority up), and an intent the workspace routes goes to that team.
/// </summary>
public sealed class MessageClassifier(ISentimentClassifier sentiment, IIntentClassifier intents, IOptions<InboxOptions> options)
{
    public void Classify(Message message, Conversation conversation, bool isNewConversation)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(conversation);
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

        if (isNewConversation && conversation.Team is null && !intent.IsUnknown
            && options.Value.IntentTeams.TryGetValue(intent.Intent, out var team))
        {
            conversation.Team = team;
        }
    }
}
