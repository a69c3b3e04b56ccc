using System.Text.Json;
using Hub.Core.Rules;
using Hub.Server.Modules.Rules.Api;
namespace Hub.Server.Modules.Rules.Api;

/// <summary>One thing a user did, as the customer's system reports it (<c>POST /api/v1/events</c>).</summary>
public sealed record EventRequest
{
    /// <summary>Your own id for the event: sending it again is harmless (idempotency key), at most 200 characters.</summary>
    public string? EventId { get; init; }

    /// <summary>Your user id (the contact's external id); a user not yet known is created from <see cref="UserTraits"/>.</summary>
    public string? UserId { get; init; }

    /// <summary>Letters, digits and <c>_ . : -</c>, at most 200. Types no rule listens to are stored and audited.</summary>
    public string? EventType { get; init; }

    /// <summary>When it happened (ISO 8601 with offset); not more than a few minutes in the future, nor older than a year.</summary>
    public DateTimeOffset? EventTimestamp { get; init; }

    /// <summary>What the rules see as <c>properties.*</c>; at most 100 keys.</summary>
    public Dictionary<string, JsonElement>? Properties { get; init; }

    /// <summary>The user as your system sees them (<c>traits.*</c>): email, phone, first_name, last_name, timezone, language and your own; at most 100 keys.</summary>
    public Dictionary<string, JsonElement>? UserTraits { get; init; }
}

/// <summary>Up to 1,000 events; each is accepted, a duplicate or rejected on its own.</summary>
public sealed record EventBatchRequest
{
    public List<JsonElement>? Events { get; init; }
}

/// <summary>The answer to one event: Hub's id for it, and whether it was new.</summary>
/// <param name="EventId">Hub's id of the event (the original one for a duplicate).</param>
/// <param name="ClientEventId">Your id, as sent.</param>
/// <param name="Status"><c>accepted</c> or <c>duplicate</c>.</param>
public sealed record EventAccepted(Guid EventId, string? ClientEventId, string Status);

/// <summary>One batch item's outcome, in the order sent.</summary>
/// <param name="Index">The item's position in <c>events</c> (0-based).</param>
/// <param name="EventId">Hub's id, unless rejected.</param>
/// <param name="ClientEventId">Your id, as sent.</param>
/// <param name="Status"><c>accepted</c>, <c>duplicate</c> or <c>rejected</c>.</param>
/// <param name="Errors">Why it was rejected, by field.</param>
public sealed record EventBatchItem(int Index, Guid? EventId, string? ClientEventId, string Status, IDictionary<string, string[]>? Errors);

/// <summary>The batch's outcome: counts and per-item results.</summary>
public sealed record EventBatchResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<EventBatchItem> Results);

/// <summary>A stored event, where it stands with the rules, and the decisions it got.</summary>
public sealed record EventResponse(
    Guid Id,
    string? ClientEventId,
    string UserId,
    Guid? ContactId,
    string EventType,
    DateTimeOffset EventTimestamp,
    DateTimeOffset ReceivedAt,
    Dictionary<string, JsonElement> Properties,
    Dictionary<string, JsonElement> UserTraits,
    EventEvaluation Evaluation,
    int EvaluationAttempts,
    DateTimeOffset? EvaluatedAt,
    IReadOnlyList<DecisionResponse> Decisions)
{
    public static EventResponse From(TrackedEvent e, IEnumerable<Decision> decisions) => new(
        e.Id, e.ClientEventId, e.UserId, e.ContactId, e.EventType, e.OccurredAt, e.ReceivedAt, e.Properties, e.Traits,
        e.Evaluation, e.EvaluationAttempts, e.EvaluatedAt, [.. decisions.Select(DecisionResponse.From)]);
}
