using System.Runtime.CompilerServices;
using Hub.Core.Campaigns;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// Reads an audience from the database in batches of contacts (keyset over the contact id, so it is stable and
/// resumable), matching each against the filters with <see cref="SegmentMatcher"/>. A contact is in the audience
/// when any of the filters (each saved segment, the campaign's own filter) holds for it.
/// </summary>
public sealed class AudienceQuery(HubDbContext db, TimeProvider clock)
{
    /// <summary>The filters of a campaign's audience; empty when it targets no one.</summary>
    public async Task<IReadOnlyList<SegmentFilter>> FiltersOfAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var filters = new List<SegmentFilter>();
        if (campaign.SegmentIds.Count > 0)
        {
            var ids = campaign.SegmentIds;
            filters.AddRange(await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Filter).ToListAsync(cancellationToken));
        }

        if (campaign.Audience.HasAnyPart())
        {
            filters.Add(campaign.Audience);
        }

        return filters;
    }

    /// <summary>The matching contacts, in batches, in contact id order.</summary>
    public async IAsyncEnumerable<IReadOnlyList<Contact>> BatchesAsync(
        IReadOnlyList<SegmentFilter> filters, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            yield break;
        }

        Guid? after = null;
        while (true)
        {
            var query = db.Contacts.AsNoTracking().Where(c => c.IsActive);
            if (after is { } last)
            {
                query = query.Where(c => c.Id.CompareTo(last) > 0);
            }

            var contacts = await query.OrderBy(c => c.Id).Take(batchSize).ToListAsync(cancellationToken);
            if (contacts.Count == 0)
            {
                yield break;
            }

            after = contacts[^1].Id;
            var matched = await MatchAsync(contacts, filters, cancellationToken);
            if (matched.Count > 0)
            {
                yield return matched;
            }

            if (contacts.Count < batchSize)
            {
                yield break;
            }
        }
    }

    /// <summary>How many active contacts the filters reach now.</summary>
    public async Task<int> CountAsync(IReadOnlyList<SegmentFilter> filters, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var batch in BatchesAsync(filters, 1000, cancellationToken))
        {
            count += batch.Count;
        }

        return count;
    }

    private async Task<List<Contact>> MatchAsync(List<Contact> contacts, IReadOnlyList<SegmentFilter> filters, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = contacts.Select(c => c.Id).ToList();
        var activity = filters.Any(SegmentMatcher.NeedsActivity) ? await LastActivityAsync(ids, cancellationToken) : [];
        var events = new Dictionary<(string, string?), HashSet<Guid>>();
        foreach (var (type, within) in filters.SelectMany(SegmentMatcher.EventTests).Distinct())
        {
            var query = db.Events.AsNoTracking().Where(e => e.ContactId != null && ids.Contains(e.ContactId.Value) && e.EventType == type);
            if (RuleDuration.TryParse(within, out var window))
            {
                var since = now - window;
                query = query.Where(e => e.OccurredAt >= since);
            }

            events[(type, within)] = [.. await query.Select(e => e.ContactId!.Value).Distinct().ToListAsync(cancellationToken)];
        }

        return [.. contacts.Where(c =>
        {
            var facts = new ContactFacts(
                activity.TryGetValue(c.Id, out var at) ? at : null,
                (type, within) => events.TryGetValue((type, within), out var set) && set.Contains(c.Id));
            return filters.Any(f => SegmentMatcher.Matches(c, facts, f, now));
        })];
    }

    /// <summary>The latest event or inbound message of each contact.</summary>
    private async Task<Dictionary<Guid, DateTimeOffset>> LastActivityAsync(List<Guid> ids, CancellationToken cancellationToken)
    {
        var fromEvents = await db.Events.AsNoTracking().Where(e => e.ContactId != null && ids.Contains(e.ContactId.Value))
            .Select(e => new { Contact = e.ContactId!.Value, e.OccurredAt }).ToListAsync(cancellationToken);
        var fromMessages = await (
            from m in db.Messages.AsNoTracking()
            join c in db.Conversations.AsNoTracking() on m.ConversationId equals c.Id
            where m.Direction == MessageDirection.Inbound && ids.Contains(c.ContactId)
            select new { Contact = c.ContactId, At = m.CreatedAt }).ToListAsync(cancellationToken);
        return fromEvents.Select(e => (e.Contact, At: e.OccurredAt)).Concat(fromMessages.Select(m => (m.Contact, m.At)))
            .GroupBy(x => x.Contact).ToDictionary(g => g.Key, g => g.Max(x => x.At));
    }
}
