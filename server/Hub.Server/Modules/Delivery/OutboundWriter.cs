using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Modules.Contacts;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// One message for <see cref="OutboundWriter"/>: to a contact (<see cref="ContactId"/>) or an address (<see cref="To"/>)
/// on email, SMS or WhatsApp. An agent's reply, a rule's template, a CSAT question, a push fallback, a campaign's
/// message and a channel test are all one of these.
/// </summary>
public sealed record ContactMessage(ChannelType Channel, string? Subject, string Text, string? Html = null)
{
    /// <summary>The contact written to (their address on <see cref="Channel"/>); or set <see cref="To"/>.</summary>
    public Guid? ContactId { get; init; }

    /// <summary>An address instead of a contact: it becomes (or is matched to) a contact, as any address Hub writes to does.</summary>
    public string? To { get; init; }

    /// <summary>Send through exactly this channel (it must be active and of <see cref="Channel"/>'s type); null: the usual choice.</summary>
    public Guid? ChannelId { get; init; }

    /// <summary>Who wrote it: the system (the default), or a member with <see cref="SenderId"/>.</summary>
    public SenderType SenderType { get; init; } = SenderType.System;

    public string? SenderId { get; init; }

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
    /// Write into this conversation of the contact and send through its own channel when that is of
    /// <see cref="Channel"/>'s type and active. Its status is left as it is (a CSAT question after resolution doesn't
    /// reopen it; an agent's reply reopens it itself). Null: the contact's latest conversation on the channel.
    /// </summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Always open a new (resolved) conversation rather than writing into the contact's latest one.</summary>
    public bool NewConversation { get; init; }
}

/// <summary>What <see cref="OutboundWriter"/> did with one <see cref="ContactMessage"/>: queued it, or why not.</summary>
public sealed record ContactSendResult(Message? Message, string? RefusalCode, string? Refusal)
{
    public bool Queued => Message is not null;

    public static ContactSendResult Refused(string code, string reason) => new(null, code, reason);
}

/// <summary>The codes of <see cref="ContactSendResult.RefusalCode"/> (campaigns record them as skip reasons).</summary>
public static class OutboundRefusals
{
    public const string NoChannel = "no_channel";
    public const string NoAddress = "no_address";
    public const string NoConversation = "no_conversation";
    public const string Suppressed = "suppressed";
}

/// <summary>
/// The one way a message leaves Hub on email, SMS or WhatsApp: finds the recipient's address, refuses a suppressed
/// one, picks the channel, and writes the message, its outbox row (and a conversation when there is none) in the
/// caller's transaction; delivery workers send it once the transaction commits and they are woken. A batch costs a
/// handful of queries whatever its size, so a campaign writes thousands of messages in one transaction.
/// A message lands in the contact's latest conversation on that channel (or a new, resolved one), so a reply threads
/// back to the agents with its context; the writer raises no live event: callers that want one (an agent's reply) add it.
/// </summary>
public sealed class OutboundWriter(HubDbContext db, UnitOfWork work, ContactResolver contacts, DeliverySignal signal, TimeProvider clock)
{
    /// <summary>Writes one message inside the caller's open unit of work; the delivery workers are woken when it commits.</summary>
    public async Task<ContactSendResult> QueueAsync(Guid workspaceId, ContactMessage message, CancellationToken cancellationToken) =>
        (await QueueAsync(workspaceId, [message], cancellationToken))[0];

    /// <summary>
    /// Writes every message of <paramref name="batch"/> it can and saves once, inside the caller's open transaction (so,
    /// for a rule, its suppression claim, its decision and the send commit or roll back together); the results are in
    /// the batch's order. The delivery workers are woken when the caller's unit of work commits.
    /// </summary>
    public async Task<IReadOnlyList<ContactSendResult>> QueueAsync(Guid workspaceId, IReadOnlyList<ContactMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("QueueAsync runs inside the caller's transaction; SendAsync opens one.");
        }

        var results = new ContactSendResult?[batch.Count];
        var recipients = await RecipientsAsync(batch, results, cancellationToken);
        var given = await GivenConversationsAsync(batch, results, recipients, cancellationToken);
        var channels = await ChannelsAsync(batch, results, cancellationToken);
        var suppressed = await SuppressedAsync(batch, results, recipients, cancellationToken);
        var latest = await LatestConversationsAsync(batch, results, recipients, cancellationToken);

        var now = clock.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is not null)
            {
                continue;
            }

            var message = batch[i];
            var (contactId, to) = recipients[i];
            var name = Name(message.Channel);
            var conversation = message.ConversationId is { } id ? given[id] : null;
            var channel = PickChannel(message, conversation, channels);
            if (channel is null)
            {
                results[i] = ContactSendResult.Refused(OutboundRefusals.NoChannel, message.ChannelId is null
                    ? $"No active {name} channel is configured."
                    : $"The {name} channel is disabled or gone.");
                continue;
            }

            if (suppressed.Contains((message.Channel, to)))
            {
                results[i] = ContactSendResult.Refused(OutboundRefusals.Suppressed, $"{to} is suppressed on {name} (bounced or unsubscribed).");
                continue;
            }

            if (conversation is null && (message.NewConversation || !latest.TryGetValue((contactId, message.Channel), out conversation)))
            {
                conversation = new Conversation
                {
                    WorkspaceId = workspaceId,
                    ContactId = contactId,
                    ChannelId = channel.Id,
                    ChannelType = message.Channel,
                    Status = ConversationStatus.Resolved, // nothing for an agent to do until the recipient answers
                    Subject = message.Subject,
                    ResolvedAt = now,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Conversations.Add(conversation);
                if (!message.NewConversation)
                {
                    latest[(contactId, message.Channel)] = conversation; // the batch's next message to them threads here
                }
            }

            results[i] = new ContactSendResult(Write(workspaceId, message, conversation, channel, to, now), null, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (results.Any(r => r!.Queued))
        {
            work.AfterCommit(Wake);
        }

        return [.. results.Select(r => r!)];
    }

    /// <summary>Writes one message in a transaction of its own, commits and wakes the delivery workers.</summary>
    public async Task<ContactSendResult> SendAsync(Guid workspaceId, ContactMessage message, CancellationToken cancellationToken) =>
        (await SendAsync(workspaceId, [message], cancellationToken))[0];

    /// <summary>Writes a batch in one transaction of its own, commits and wakes the delivery workers.</summary>
    public async Task<IReadOnlyList<ContactSendResult>> SendAsync(Guid workspaceId, IReadOnlyList<ContactMessage> batch, CancellationToken cancellationToken)
    {
        await using var change = await work.BeginAsync(cancellationToken);
        var results = await QueueAsync(workspaceId, batch, cancellationToken);
        await change.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Tells the delivery workers there is work; runs when the unit of work that queued it commits.</summary>
    private void Wake() => signal.Wake();

    private Message Write(Guid workspaceId, ContactMessage message, Conversation conversation, Channel channel, string to, DateTimeOffset now)
    {
        conversation.MessageCount++;
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        var sent = new Message
        {
            Id = message.MessageId ?? Guid.CreateVersion7(),
            WorkspaceId = workspaceId,
            ConversationId = conversation.Id,
            ChannelId = channel.Id,
            ChannelType = message.Channel,
            Direction = MessageDirection.Outbound,
            Status = MessageStatus.Queued,
            SenderType = message.SenderType,
            SenderId = message.SenderId,
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
            WorkspaceId = workspaceId,
            MessageId = sent.Id,
            ChannelId = channel.Id,
            Channel = message.Channel,
            NextAttemptAt = message.NotBefore is { } notBefore && notBefore > now ? notBefore : now,
            MaxAttempts = message.MaxAttempts ?? new OutboxEntry().MaxAttempts,
            CreatedAt = now,
            UpdatedAt = now,
        });
        return sent;
    }

    /// <summary>Each message's contact and address (normalized), one query pair per channel type for contacts.</summary>
    private async Task<(Guid ContactId, string To)[]> RecipientsAsync(IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results, CancellationToken cancellationToken)
    {
        var recipients = new (Guid, string)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            if (message.Channel is not (ChannelType.Email or ChannelType.Sms or ChannelType.WhatsApp))
            {
                results[i] = ContactSendResult.Refused(OutboundRefusals.NoChannel, $"Hub cannot start a conversation on {Name(message.Channel)}.");
            }
            else if (message.ContactId is null && string.IsNullOrWhiteSpace(message.To))
            {
                throw new ArgumentException("A message needs a contact or an address.", nameof(batch));
            }
            else if (message.ContactId is null)
            {
                // An address of its own (a channel test): resolved one by one, as the few such messages are.
                var contact = await contacts.ResolveAsync(message.Channel, message.To!, null, cancellationToken);
                recipients[i] = (contact.Id, Addresses.Normalize(message.Channel, message.To!));
            }
        }

        foreach (var group in Enumerable.Range(0, batch.Count).Where(i => results[i] is null && batch[i].ContactId is not null).GroupBy(i => batch[i].Channel))
        {
            var addresses = await contacts.AddressesOfAsync([.. group.Select(i => batch[i].ContactId!.Value)], group.Key, cancellationToken);
            foreach (var i in group)
            {
                var contactId = batch[i].ContactId!.Value;
                if (addresses.TryGetValue(contactId, out var to))
                {
                    recipients[i] = (contactId, to);
                }
                else
                {
                    results[i] = ContactSendResult.Refused(OutboundRefusals.NoAddress, $"The user has no {Name(group.Key)} address.");
                }
            }
        }

        return recipients;
    }

    /// <summary>The conversations messages ask for, in one query; a message whose conversation isn't its contact's is refused.</summary>
    private async Task<Dictionary<Guid, Conversation>> GivenConversationsAsync(
        IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results, (Guid ContactId, string To)[] recipients, CancellationToken cancellationToken)
    {
        var ids = Pending(batch, results).Where(i => batch[i].ConversationId is not null).Select(i => batch[i].ConversationId!.Value).Distinct().ToList();
        var found = ids.Count == 0 ? [] : await db.Conversations.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        foreach (var i in Pending(batch, results).Where(i => batch[i].ConversationId is not null))
        {
            if (!found.TryGetValue(batch[i].ConversationId!.Value, out var conversation) || conversation.ContactId != recipients[i].ContactId)
            {
                results[i] = ContactSendResult.Refused(OutboundRefusals.NoConversation, $"The user has no such {Name(batch[i].Channel)} conversation.");
            }
        }

        return found;
    }

    /// <summary>Every active channel of the types the batch uses, oldest first, in one query.</summary>
    private async Task<List<Channel>> ChannelsAsync(IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results, CancellationToken cancellationToken)
    {
        var types = Pending(batch, results).Select(i => batch[i].Channel).Distinct().ToList();
        return types.Count == 0 ? []
            : await db.Channels.AsNoTracking().Where(c => types.Contains(c.Type) && c.IsActive).OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>The asked-for channel; else the conversation's own when it is of the type and active; else the oldest active one of the type.</summary>
    private static Channel? PickChannel(ContactMessage message, Conversation? conversation, List<Channel> channels)
    {
        if (message.ChannelId is { } asked)
        {
            return channels.FirstOrDefault(c => c.Id == asked && c.Type == message.Channel);
        }

        return channels.FirstOrDefault(c => c.Id == conversation?.ChannelId && c.Type == message.Channel)
            ?? channels.FirstOrDefault(c => c.Type == message.Channel);
    }

    /// <summary>Which of the batch's (channel, address) pairs are suppressed, in one query.</summary>
    private async Task<HashSet<(ChannelType, string)>> SuppressedAsync(
        IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results, (Guid ContactId, string To)[] recipients, CancellationToken cancellationToken)
    {
        var pending = Pending(batch, results).ToList();
        if (pending.Count == 0)
        {
            return [];
        }

        var types = pending.Select(i => batch[i].Channel).Distinct().ToList();
        var addresses = pending.Select(i => recipients[i].To).Distinct().ToList();
        var rows = await db.Suppressions.AsNoTracking().Where(s => types.Contains(s.Channel) && addresses.Contains(s.Address))
            .Select(s => new { s.Channel, s.Address }).ToListAsync(cancellationToken);
        return [.. rows.Select(s => (s.Channel, s.Address))];
    }

    /// <summary>
    /// Each recipient's latest conversation on the message's channel, for the messages that name none: their ids in one
    /// query, the conversations (tracked, to be touched) in another.
    /// </summary>
    private async Task<Dictionary<(Guid ContactId, ChannelType Channel), Conversation>> LatestConversationsAsync(
        IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results, (Guid ContactId, string To)[] recipients, CancellationToken cancellationToken)
    {
        var wanted = Pending(batch, results).Where(i => batch[i].ConversationId is null && !batch[i].NewConversation).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var contactIds = wanted.Select(i => recipients[i].ContactId).Distinct().ToList();
        var types = wanted.Select(i => batch[i].Channel).Distinct().ToList();
        var candidates = await db.Conversations.Where(c => contactIds.Contains(c.ContactId) && types.Contains(c.ChannelType))
            .Select(c => new { c.Id, c.ContactId, c.ChannelType, c.LastMessageAt, c.CreatedAt }).ToListAsync(cancellationToken);
        var latestIds = candidates.GroupBy(c => (c.ContactId, c.ChannelType))
            .Select(g => g.OrderByDescending(c => c.LastMessageAt ?? c.CreatedAt).First().Id).ToList();
        var conversations = latestIds.Count == 0 ? [] : await db.Conversations.Where(c => latestIds.Contains(c.Id)).ToListAsync(cancellationToken);
        return conversations.ToDictionary(c => (c.ContactId, c.ChannelType));
    }

    private static IEnumerable<int> Pending(IReadOnlyList<ContactMessage> batch, ContactSendResult?[] results) =>
        Enumerable.Range(0, batch.Count).Where(i => results[i] is null);

    private static string Name(ChannelType channel) => channel.ToString().ToLowerInvariant();
}
