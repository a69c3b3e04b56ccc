using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Contacts;
using Hub.Server.Modules.Inbox;
using Microsoft.EntityFrameworkCore;
using Hub.Server.Modules.Notifications;

namespace Hub.Server.Modules.Delivery;

/// <summary>A message Hub starts (a rule's template, a push fallback), not a reply an agent writes.</summary>
public sealed record ContactMessage(ChannelType Channel, string? Subject, string Text, string? Html = null)
{
    /// <summary>Not before this time (quiet hours); null: now.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Kept on the message, e.g. <c>rule</c>, <c>event_id</c>, <c>notification_id</c>, <c>campaign_id</c>, <c>recipient_id</c>.</summary>
    public Dictionary<string, JsonElement> Metadata { get; init; } = [];

    /// <summary>Extra headers for the provider (email: <c>List-Unsubscribe</c>…); kept in the metadata as <c>headers</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Delivery tries before the message fails (the outbox's default when null).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The id the message gets, when the caller needs it beforehand (signed tracking links); null: a new one.</summary>
    public Guid? MessageId { get; init; }

    /// <summary>
    /// Write into this conversation of the contact (on <see cref="Channel"/>) and send through its own channel when
    /// that is active, instead of the contact's latest conversation; its status is left as it is (a CSAT question
    /// after resolution doesn't reopen it). Null: the latest conversation.
    /// </summary>
    public Guid? ConversationId { get; init; }
}

/// <summary>What <see cref="ContactMessenger.QueueAsync"/> did.</summary>
public sealed record ContactSendResult(Message? Message, string? RefusalCode, string? Refusal)
{
    public bool Queued => Message is not null;

    public static ContactSendResult Refused(string code, string reason) => new(null, code, reason);
}

/// <summary>
/// Sends Hub-initiated messages to a contact on email, SMS or WhatsApp through the one outbox. The message lands
/// in the contact's latest conversation on that channel (or a new, resolved one), so a reply threads back to the
/// agents with its context; it raises no live event, so automated traffic never floods the agents' inbox.
/// </summary>
public sealed class ContactMessenger(HubDbContext db, ContactResolver contacts, DeliverySignal signal, TimeProvider clock)
{
    /// <summary>
    /// Writes the message and its outbox row and saves, inside the caller's open transaction (so a rule's
    /// suppression claim, its decision and the send commit or roll back together). Call <see cref="Wake"/> after commit.
    /// </summary>
    public async Task<ContactSendResult> QueueAsync(Contact contact, ContactMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(message);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("QueueAsync runs inside the caller's transaction.");
        }

        var name = message.Channel.ToString().ToLowerInvariant();
        if (message.Channel is not (ChannelType.Email or ChannelType.Sms or ChannelType.WhatsApp))
        {
            return ContactSendResult.Refused("no_channel", $"Hub cannot start a conversation on {name}.");
        }

        var to = await contacts.AddressOfAsync(contact.Id, message.Channel, cancellationToken);
        if (to is null)
        {
            return ContactSendResult.Refused("no_address", $"The user has no {name} address.");
        }

        Conversation? conversation = null;
        if (message.ConversationId is { } conversationId)
        {
            conversation = await db.Conversations.FirstOrDefaultAsync(
                c => c.Id == conversationId && c.ContactId == contact.Id && c.ChannelType == message.Channel, cancellationToken);
            if (conversation is null)
            {
                return ContactSendResult.Refused("no_conversation", $"The user has no such {name} conversation.");
            }
        }

        var own = conversation?.ChannelId;
        var channel = await db.Channels.Where(c => c.Type == message.Channel && c.IsActive)
            .OrderBy(c => c.Id == own ? 0 : 1).ThenBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (channel is null)
        {
            return ContactSendResult.Refused("no_channel", $"No active {name} channel is configured.");
        }

        if (await db.Suppressions.AnyAsync(s => s.Channel == message.Channel && s.Address == to, cancellationToken))
        {
            return ContactSendResult.Refused("suppressed", $"{to} is suppressed on {name} (bounced or unsubscribed).");
        }

        var now = clock.GetUtcNow();
        conversation ??= await db.Conversations.Where(c => c.ContactId == contact.Id && c.ChannelType == message.Channel)
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(cancellationToken);
        if (conversation is null)
        {
            conversation = new Conversation
            {
                ContactId = contact.Id,
                ChannelId = channel.Id,
                ChannelType = message.Channel,
                Status = ConversationStatus.Resolved, // nothing for an agent to do until the user answers
                Subject = message.Subject,
                ResolvedAt = now,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Conversations.Add(conversation);
        }

        conversation.MessageCount++;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        var sent = new Message
        {
            Id = message.MessageId ?? Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            ChannelId = channel.Id,
            ChannelType = message.Channel,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Queued,
            SenderType = SenderType.System,
            Address = to,
            Subject = message.Channel == ChannelType.Email ? message.Subject : null,
            Text = message.Text,
            Html = message.Html,
            Metadata = message.Headers is { Count: > 0 } headers
                ? new Dictionary<string, JsonElement>(message.Metadata) { [DeliveryHeaders.MetadataKey] = JsonSerializer.SerializeToElement(headers) }
                : message.Metadata,
            CreatedAt = now,
            UpdatedAt = now,
        };
        sent.IdempotencyKey = $"out:{sent.Id:N}";
        db.Messages.Add(sent);
        db.Outbox.Add(new OutboxEntry
        {
            MessageId = sent.Id,
            ChannelId = channel.Id,
            Channel = message.Channel,
            NextAttemptAt = message.NotBefore is { } notBefore && notBefore > now ? notBefore : now,
            MaxAttempts = message.MaxAttempts ?? new OutboxEntry().MaxAttempts,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new ContactSendResult(sent, null, null);
    }

    /// <summary>Queues in a transaction of its own and wakes the delivery workers.</summary>
    public async Task<ContactSendResult> SendAsync(Contact contact, ContactMessage message, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await QueueAsync(contact, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Wake();
        return result;
    }

    /// <summary>Tells the delivery workers there is work; call after the transaction committed.</summary>
    public void Wake() => signal.Wake();
}
