using Hub.Core.Inbox;
using Hub.Core.Webhooks;
using Hub.Server.Modules.Delivery;
namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Publishes <c>inbox.message.sent|delivered|failed|bounced</c> when an outbound message's status moves, inside the
/// transaction that saves the status (so the webhook exists exactly when the status does).
/// </summary>
public sealed class WebhookStatusObserver(WebhookPublisher publisher) : IMessageStatusObserver
{
    public async Task OnStatusAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Direction != MessageDirection.Outbound)
        {
            return;
        }

        var subject = message.Status switch
        {
            MessageStatus.Sent => WebhookSubjects.MessageSent,
            MessageStatus.Delivered => WebhookSubjects.MessageDelivered,
            MessageStatus.Failed => WebhookSubjects.MessageFailed,
            MessageStatus.Bounced => WebhookSubjects.MessageBounced,
            _ => null,
        };
        if (subject is not null)
        {
            await publisher.PublishAsync(message.WorkspaceId, subject, WebhookData.Message(message), null, cancellationToken);
        }
    }
}
