using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Templates;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Rules;

/// <summary>What a rule's action did inside the transaction, and what is left to do once it committed.</summary>
public sealed record ActionOutcome(bool Done, DecisionOutcome RefusedAs, string Summary)
{
    public Guid? MessageId { get; init; }

    public Guid? NotificationId { get; init; }

    /// <summary>Runs after the commit (wake delivery, publish pushes, post the webhook); gets the decision's id.</summary>
    public Func<Guid, CancellationToken, Task>? AfterCommit { get; init; }

    public static ActionOutcome Refused(DecisionOutcome outcome, string reason) => new(false, outcome, reason);
}

/// <summary>
/// Takes a matched rule's action inside the engine's transaction: send a template (outbox), push a template
/// (notification center), post the event to a webhook (after commit) or assign the user's open conversation.
/// </summary>
public sealed class ActionRunner(
    HubDbContext db,
    OutboundWriter outbound,
    NotificationCenter notifications,
    TemplateRenderer renderer,
    AssignmentService assignment,
    RealtimeBatch realtime,
    WebhookPoster webhooks,
    TimeProvider clock)
{
    public Task<ActionOutcome> RunAsync(Rule rule, TrackedEvent trackedEvent, Contact? contact, DateTimeOffset? deferUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(trackedEvent);
        return rule.Action.Type switch
        {
            RuleActionType.Send => SendAsync(rule, trackedEvent, contact, deferUntil, cancellationToken),
            RuleActionType.Push => PushAsync(rule, trackedEvent, contact, deferUntil, cancellationToken),
            RuleActionType.Webhook => Task.FromResult(Webhook(rule, trackedEvent)),
            RuleActionType.Assign => AssignAsync(rule, trackedEvent, contact, cancellationToken),
            _ => Task.FromResult(ActionOutcome.Refused(DecisionOutcome.Error, $"Unknown action type {rule.Action.Type}.")),
        };
    }

    private async Task<ActionOutcome> SendAsync(Rule rule, TrackedEvent trackedEvent, Contact? contact, DateTimeOffset? deferUntil, CancellationToken cancellationToken)
    {
        if (contact is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.NoChannel, $"User '{trackedEvent.UserId}' is not a known contact.");
        }

        if (!Enum.TryParse<ChannelType>(rule.Action.Channel, ignoreCase: true, out var channel))
        {
            return ActionOutcome.Refused(DecisionOutcome.Error, $"The rule's channel '{rule.Action.Channel}' is not email, sms or whatsapp.");
        }

        var template = await TemplateAsync(rule, cancellationToken);
        if (template is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.Error, $"Template '{rule.Action.Template}' does not exist or is inactive.");
        }

        var rendered = renderer.Render(template, contact, trackedEvent.Properties);
        var result = await outbound.QueueAsync(contact.WorkspaceId, new ContactMessage(channel, rendered.Subject, rendered.Text, channel == ChannelType.Email ? rendered.Html : null)
        {
            ContactId = contact.Id,
            NotBefore = deferUntil,
            Metadata = new()
            {
                ["rule"] = JsonSerializer.SerializeToElement(rule.Name),
                ["event_id"] = JsonSerializer.SerializeToElement(trackedEvent.Id),
            },
        }, cancellationToken);
        if (!result.Queued)
        {
            return ActionOutcome.Refused(DecisionOutcome.NoChannel, result.Refusal ?? "No channel could carry it.");
        }

        var name = channel.ToString().ToLowerInvariant();
        return new ActionOutcome(true, DecisionOutcome.Sent, $"queued {name} '{template.Name}' to {result.Message!.Address}")
        {
            MessageId = result.Message.Id,
        };
    }

    private async Task<ActionOutcome> PushAsync(Rule rule, TrackedEvent trackedEvent, Contact? contact, DateTimeOffset? deferUntil, CancellationToken cancellationToken)
    {
        if (contact is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.NoChannel, $"User '{trackedEvent.UserId}' is not a known contact.");
        }

        var template = await TemplateAsync(rule, cancellationToken);
        if (template is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.Error, $"Template '{rule.Action.Template}' does not exist or is inactive.");
        }

        var rendered = renderer.Render(template, contact, trackedEvent.Properties);
        var priority = Enum.TryParse<NotificationPriority>(rule.Action.Priority, ignoreCase: true, out var p) ? p : NotificationPriority.Normal;
        var notification = await notifications.QueueAsync(trackedEvent.WorkspaceId, new PushRequest(contact.Id, trackedEvent.UserId, rendered.Subject, rendered.Text)
        {
            Data = new(trackedEvent.Properties) { ["event_id"] = JsonSerializer.SerializeToElement(trackedEvent.Id) },
            Priority = priority,
            Category = rule.Action.Category,
            DeliverAfter = deferUntil,
        }, cancellationToken);
        return new ActionOutcome(true, DecisionOutcome.Sent, $"pushed '{template.Name}' to the user's devices")
        {
            NotificationId = notification.Id, // pushed to the devices when the decision's unit of work commits
        };
    }

    private ActionOutcome Webhook(Rule rule, TrackedEvent trackedEvent)
    {
        if (!Uri.TryCreate(rule.Action.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return ActionOutcome.Refused(DecisionOutcome.Error, $"The rule's webhook URL '{rule.Action.Url}' is not an absolute http(s) URL.");
        }

        var body = WebhookPoster.Body(trackedEvent, rule);
        return new ActionOutcome(true, DecisionOutcome.Sent, $"POST {url} queued")
        {
            AfterCommit = (decisionId, ct) => webhooks.PostAsync(trackedEvent.WorkspaceId, url, body, decisionId, ct),
        };
    }

    private async Task<ActionOutcome> AssignAsync(Rule rule, TrackedEvent trackedEvent, Contact? contact, CancellationToken cancellationToken)
    {
        if (contact is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.NoChannel, $"User '{trackedEvent.UserId}' is not a known contact.");
        }

        var conversation = await db.Conversations.Where(c => c.ContactId == contact.Id && c.Status != ConversationStatus.Resolved)
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(cancellationToken);
        if (conversation is null)
        {
            return ActionOutcome.Refused(DecisionOutcome.NoChannel, "The user has no open conversation.");
        }

        Guid? assignee;
        var to = rule.Action.AssignTo?.Trim() ?? "auto";
        if (string.Equals(to, "auto", StringComparison.OrdinalIgnoreCase))
        {
            assignee = await assignment.PickAsync(trackedEvent.WorkspaceId, conversation.Team, cancellationToken);
            if (assignee is null)
            {
                return ActionOutcome.Refused(DecisionOutcome.NoChannel, "No online agent has room for another conversation.");
            }
        }
        else
        {
            var normalized = to.ToUpperInvariant();
            assignee = await db.Users.Where(m => m.WorkspaceId == trackedEvent.WorkspaceId && m.NormalizedEmail == normalized)
                .Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
            if (assignee is null)
            {
                return ActionOutcome.Refused(DecisionOutcome.NoChannel, $"No member of the workspace has the email {to}.");
            }
        }

        conversation.Assign(assignee.Value);
        conversation.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await realtime.ConversationAsync(trackedEvent.WorkspaceId, conversation, cancellationToken);
        return new ActionOutcome(true, DecisionOutcome.Sent, $"assigned conversation {conversation.Id} to {to}"); // published on commit
    }

    private Task<Core.Campaigns.Template?> TemplateAsync(Rule rule, CancellationToken cancellationToken) =>
        db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Name == rule.Action.Template && t.IsActive, cancellationToken);
}
