using System.Net;
using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Delivery;

namespace Hub.Server.Modules.Notifications;

/// <summary>
/// Sends one unacknowledged push by the user's next channel: the first of <see cref="NotificationOptions.FallbackChannels"/>
/// their preferences allow for the push's category and Hub can send on. The claim, the queued message, the outcome
/// on the notification and its <c>notification_fallback</c> event commit together, so a crash leaves the
/// notification due again and two nodes never both send it.
/// </summary>
public sealed class PushFallback(
    HubDbContext db, UnitOfWork work, OutboundWriter outbound, PreferenceChecker preferences, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const string EventType = "notification_fallback";

    /// <summary>
    /// Falls back for one notification if it is still due (past its deadline, unacknowledged, not taken by another
    /// node); returns the outcome (<c>sent:email</c>, <c>deferred:sms</c>, <c>skipped:no_address</c>…), or null
    /// when there was nothing to do. Runs in the current scope's workspace.
    /// </summary>
    public async Task<string?> RunAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);

        // The claim: a conditional update only one node can win (on PostgreSQL the loser waits for the winner's commit,
        // then finds the outcome set). An ack that landed first makes it match nothing.
        var claimed = await db.Notifications
            .Where(n => n.Id == notificationId && n.FallbackOutcome == null && n.AcknowledgedAt == null && n.DeliverAfter == null
                && n.FallbackDueAt != null && n.FallbackDueAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.FallbackOutcome, "claimed"), cancellationToken);
        if (claimed == 0)
        {
            return null;
        }

        var notification = await db.Notifications.FirstAsync(n => n.Id == notificationId, cancellationToken);
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == notification.ContactId, cancellationToken);
        var attempt = contact is null
            ? new Attempt(null, null, "skipped:no_user", [new("-", "no_user", "The user no longer exists.")])
            : await SendAsync(contact, notification, cancellationToken);

        notification.FallbackOutcome = attempt.Outcome;
        notification.FallbackMessageId = attempt.Message?.Id;
        db.Events.Add(new TrackedEvent
        {
            UserId = contact?.ExternalId ?? notification.ContactId.ToString(),
            ContactId = notification.ContactId,
            EventType = EventType,
            OccurredAt = now,
            ReceivedAt = now,
            Evaluation = EventEvaluation.NotEvaluated,
            Properties = new()
            {
                ["notification_id"] = JsonSerializer.SerializeToElement(notification.Id),
                ["category"] = JsonSerializer.SerializeToElement(notification.Category),
                ["channel"] = JsonSerializer.SerializeToElement(attempt.Channel),
                ["outcome"] = JsonSerializer.SerializeToElement(attempt.Outcome),
                ["message_id"] = JsonSerializer.SerializeToElement(attempt.Message?.Id),
                ["tried"] = JsonSerializer.SerializeToElement(attempt.Tried.Select(t => new Dictionary<string, string>
                {
                    ["channel"] = t.Channel, ["code"] = t.Code, ["reason"] = t.Reason,
                })),
            },
        });
        await db.SaveChangesAsync(cancellationToken);
        await change.CommitAsync(cancellationToken);
        return attempt.Outcome;
    }

    private async Task<Attempt> SendAsync(Contact contact, Notification notification, CancellationToken cancellationToken)
    {
        var tried = new List<Tried>();
        foreach (var name in options.Value.FallbackChannels)
        {
            var channel = name.ToLowerInvariant();
            if (ChannelOf(channel) is not { } type)
            {
                tried.Add(new(channel, "no_channel", $"Hub cannot fall back to {channel}."));
                continue;
            }

            var verdict = await preferences.CheckAsync(contact, channel, notification.Category, cancellationToken);
            if (verdict.Kind == PreferenceVerdictKind.Blocked)
            {
                tried.Add(new(channel, verdict.Code, verdict.Reason));
                continue;
            }

            var result = await outbound.QueueAsync(contact.WorkspaceId, Compose(type, notification, verdict.Until) with { ContactId = contact.Id }, cancellationToken);
            if (!result.Queued)
            {
                tried.Add(new(channel, result.RefusalCode!, result.Refusal!));
                continue;
            }

            var deferred = verdict.Kind == PreferenceVerdictKind.Deferred;
            tried.Add(new(channel, deferred ? verdict.Code : "queued", deferred ? verdict.Reason : "Queued."));
            return new Attempt(channel, result.Message, $"{(deferred ? "deferred" : "sent")}:{channel}", tried);
        }

        // One reason when every channel said the same; otherwise the event's "tried" list tells each.
        var codes = tried.Select(t => t.Code).Distinct().ToList();
        return new Attempt(null, null, $"skipped:{(codes.Count == 1 ? codes[0] : "no_channel")}", tried);
    }

    private static ContactMessage Compose(ChannelType channel, Notification notification, DateTimeOffset? notBefore)
    {
        var metadata = new Dictionary<string, JsonElement>
        {
            ["source"] = JsonSerializer.SerializeToElement("push_fallback"),
            ["notification_id"] = JsonSerializer.SerializeToElement(notification.Id),
        };
        var message = channel == ChannelType.Email
            ? new ContactMessage(channel, notification.Title, notification.Body, Html(notification))
            : new ContactMessage(channel, null, $"{notification.Title}: {notification.Body}");
        return message with { NotBefore = notBefore, Metadata = metadata };
    }

    private static string Html(Notification notification) =>
        $"<p><strong>{WebUtility.HtmlEncode(notification.Title)}</strong></p><p>{WebUtility.HtmlEncode(notification.Body).ReplaceLineEndings("<br>")}</p>";

    private static ChannelType? ChannelOf(string name) => name switch
    {
        "email" => ChannelType.Email,
        "sms" => ChannelType.Sms,
        "whatsapp" => ChannelType.WhatsApp,
        _ => null,
    };

    private sealed record Tried(string Channel, string Code, string Reason);

    private sealed record Attempt(string? Channel, Message? Message, string Outcome, List<Tried> Tried);
}
