using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Core.Contacts;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Modules.Contacts.Api;
using Hub.Server.Modules.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Rules.Api;

namespace Hub.Server.Modules.Rules;

/// <summary>What storing one valid event came to.</summary>
public sealed record IngestedEvent(Guid EventId, string? ClientEventId, bool Duplicate);

/// <summary>
/// Validates and stores events (pending evaluation), idempotently on the sender's event id: a repeat returns the
/// original. A user id no contact has yet becomes a contact, from the traits that are valid. Wakes the evaluator.
/// </summary>
public sealed partial class EventIngestion(HubDbContext db, IOptions<EventsOptions> options, EvaluationSignal signal, TimeProvider clock)
{
    public const int MaxKeys = 100;
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxBatch = 1000;

    /// <summary>The request's errors by field (snake_case), or null when it is fine.</summary>
    public Dictionary<string, string[]>? Validate(EventRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (request.EventId is { } clientId && (string.IsNullOrWhiteSpace(clientId) || clientId.Length > 200))
        {
            errors["event_id"] = ["event_id must be 1 to 200 characters when given."];
        }

        if (string.IsNullOrWhiteSpace(request.UserId))
        {
            errors["user_id"] = ["user_id is required."];
        }
        else if (request.UserId.Length > 200)
        {
            errors["user_id"] = ["user_id must be at most 200 characters."];
        }

        if (request.EventType is null || !EventTypePattern().IsMatch(request.EventType))
        {
            errors["event_type"] = ["event_type is required: 1 to 200 letters, digits, '_', '.', ':' or '-'."];
        }

        var now = clock.GetUtcNow();
        if (request.EventTimestamp is not { } at)
        {
            errors["event_timestamp"] = ["event_timestamp is required (ISO 8601, e.g. 2026-11-30T10:30:00Z)."];
        }
        else if (at > now + options.Value.MaxFutureSkew)
        {
            errors["event_timestamp"] = [$"event_timestamp is in the future (more than {options.Value.MaxFutureSkew.TotalMinutes:0.#} minutes after the server's clock)."];
        }
        else if (at < now - options.Value.MaxAge)
        {
            errors["event_timestamp"] = [$"event_timestamp is older than {options.Value.MaxAge.TotalDays:0.#} days."];
        }

        if (request.Properties is { Count: > MaxKeys })
        {
            errors["properties"] = [$"At most {MaxKeys} properties."];
        }

        if (request.UserTraits is { Count: > MaxKeys })
        {
            errors["user_traits"] = [$"At most {MaxKeys} user traits."];
        }

        var size = JsonSerializer.SerializeToUtf8Bytes(request.Properties).Length + JsonSerializer.SerializeToUtf8Bytes(request.UserTraits).Length;
        if (size > MaxEventBytes)
        {
            errors[(request.Properties?.Count ?? 0) >= (request.UserTraits?.Count ?? 0) ? "properties" : "user_traits"] =
                [$"The event is larger than {MaxEventBytes / 1024} KB."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>Stores valid events (in order) and returns, for each, Hub's id and whether it was a repeat.</summary>
    public async Task<IReadOnlyList<IngestedEvent>> IngestAsync(IReadOnlyList<EventRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var contacts = await ContactsAsync(requests, cancellationToken);
        var clientIds = requests.Where(r => r.EventId is not null).Select(r => r.EventId!).Distinct().ToList();
        var known = clientIds.Count == 0 ? [] : await db.Events.AsNoTracking().Where(e => e.ClientEventId != null && clientIds.Contains(e.ClientEventId))
            .Select(e => new { e.ClientEventId, e.Id }).ToDictionaryAsync(e => e.ClientEventId!, e => e.Id, cancellationToken);

        var now = clock.GetUtcNow();
        var results = new IngestedEvent?[requests.Count];
        var fresh = new List<(int Index, TrackedEvent Event)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            if (r.EventId is { } clientId && known.TryGetValue(clientId, out var existing))
            {
                results[i] = new IngestedEvent(existing, clientId, Duplicate: true);
                continue;
            }

            var trackedEvent = new TrackedEvent
            {
                ClientEventId = r.EventId,
                UserId = r.UserId!,
                ContactId = contacts.GetValueOrDefault(r.UserId!),
                EventType = r.EventType!,
                OccurredAt = r.EventTimestamp!.Value.ToUniversalTime(),
                Properties = r.Properties ?? [],
                Traits = r.UserTraits ?? [],
                ReceivedAt = now,
            };
            if (r.EventId is { } newId)
            {
                known[newId] = trackedEvent.Id; // a repeat within the same batch is a duplicate of the first
            }

            fresh.Add((i, trackedEvent));
            results[i] = new IngestedEvent(trackedEvent.Id, r.EventId, Duplicate: false);
        }

        if (fresh.Count > 0 && !await TrySaveAsync(fresh.Select(f => f.Event), cancellationToken))
        {
            // A parallel request stored one of these client ids first: store one by one, the unique index decides.
            foreach (var (index, trackedEvent) in fresh)
            {
                if (!await TrySaveAsync([trackedEvent], cancellationToken))
                {
                    var original = await db.Events.AsNoTracking().Where(e => e.ClientEventId == trackedEvent.ClientEventId)
                        .Select(e => e.Id).FirstAsync(cancellationToken);
                    results[index] = new IngestedEvent(original, trackedEvent.ClientEventId, Duplicate: true);
                }
            }
        }

        if (fresh.Count > 0)
        {
            signal.Wake();
        }

        return results!;
    }

    private async Task<bool> TrySaveAsync(IEnumerable<TrackedEvent> events, CancellationToken cancellationToken)
    {
        db.Events.AddRange(events);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The contact of each user id, creating the missing ones from their first event's traits.</summary>
    private async Task<Dictionary<string, Guid>> ContactsAsync(IReadOnlyList<EventRequest> requests, CancellationToken cancellationToken)
    {
        var userIds = requests.Select(r => r.UserId!).Distinct(StringComparer.Ordinal).ToList();
        var found = await db.Contacts.AsNoTracking().Where(c => c.ExternalId != null && userIds.Contains(c.ExternalId))
            .Select(c => new { c.ExternalId, c.Id }).ToDictionaryAsync(c => c.ExternalId!, c => c.Id, StringComparer.Ordinal, cancellationToken);
        foreach (var userId in userIds.Where(u => !found.ContainsKey(u)))
        {
            var traits = requests.First(r => r.UserId == userId).UserTraits ?? [];
            var contact = FromTraits(userId, traits, clock.GetUtcNow());
            db.Contacts.Add(contact);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                found[userId] = contact.Id;
            }
            catch (DbUpdateException)
            {
                // Created by a parallel request a moment ago: use theirs.
                db.ChangeTracker.Clear();
                found[userId] = await db.Contacts.AsNoTracking().Where(c => c.ExternalId == userId).Select(c => c.Id).FirstAsync(cancellationToken);
            }
        }

        return found;
    }

    /// <summary>A new contact from the traits that are valid; an invalid trait is left out, not fatal.</summary>
    internal static Contact FromTraits(string userId, IReadOnlyDictionary<string, JsonElement> traits, DateTimeOffset now)
    {
        string? Text(string key, int max = 200) =>
            traits.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s && s.Length <= max ? s.Trim() : null;
        var email = Text("email", 320);
        var phone = Text("phone", 32);
        var zone = Text("timezone", 64);
        var language = Text("language", 35);
        return new Contact
        {
            ExternalId = userId,
            Email = email is not null && new EmailAddressAttribute().IsValid(email) ? email.ToLowerInvariant() : null,
            Phone = phone is not null && Regex.IsMatch(phone, ContactRules.E164) ? phone : null,
            FirstName = Text("first_name"),
            LastName = Text("last_name"),
            TimeZone = zone is not null && ContactRules.IsKnownTimeZone(zone) ? zone : null,
            Language = language is not null && Regex.IsMatch(language, ContactRules.LanguageTag) ? language : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex EventTypePattern();
}
