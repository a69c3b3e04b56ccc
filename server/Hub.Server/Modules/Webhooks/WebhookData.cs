using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Hub.Core.Rules;

namespace Hub.Server.Modules.Webhooks;

/// <summary>The <c>data</c> of each published subject: what a customer's system needs, in the API's words (snake_case).</summary>
public static class WebhookData
{
    /// <summary><c>inbox.message.*</c>.</summary>
    public static object Message(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new
        {
            MessageId = message.Id,
            message.ConversationId,
            Channel = message.ChannelType,
            message.Direction,
            message.Status,
            message.SenderType,
            message.SenderId,
            message.Address,
            message.Subject,
            message.Text,
            message.ExternalId,
            message.FailureReason,
            message.SentimentLabel,
            message.Intent,
            message.CreatedAt,
            message.SentAt,
            message.DeliveredAt,
        };
    }

    /// <summary><c>inbox.conversation.resolved</c>.</summary>
    public static object Conversation(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new
        {
            ConversationId = conversation.Id,
            conversation.ContactId,
            Channel = conversation.ChannelType,
            conversation.Status,
            conversation.Priority,
            conversation.AssigneeId,
            conversation.Team,
            conversation.Subject,
            conversation.Labels,
            conversation.MessageCount,
            conversation.CreatedAt,
            conversation.FirstResponseAt,
            conversation.ResolvedAt,
        };
    }

    /// <summary><c>rules.decision.created</c>.</summary>
    public static object Decision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new
        {
            DecisionId = decision.Id,
            decision.EventId,
            decision.EventType,
            decision.UserId,
            decision.ContactId,
            decision.RuleId,
            decision.RuleName,
            decision.ActionType,
            decision.Channel,
            decision.Outcome,
            decision.Reason,
            decision.MessageId,
            decision.NotificationId,
            decision.ScheduledFor,
            decision.DecidedAt,
        };
    }

    /// <summary><c>campaign.campaign.*</c>.</summary>
    public static object Campaign(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new
        {
            CampaignId = campaign.Id,
            campaign.Name,
            campaign.Type,
            campaign.Status,
            Run = campaign.CurrentRun,
            campaign.TotalRecipients,
            campaign.StartedAt,
            campaign.CompletedAt,
            campaign.NextRunAt,
            campaign.LastError,
        };
    }
}
