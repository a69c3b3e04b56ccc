using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Rules;

/// <summary>Something a customer's system told Hub a user did (<c>POST /api/v1/events</c>), or Hub recorded itself.</summary>
public sealed class TrackedEvent : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The sender's own id for the event; a second event with the same id is the same event (idempotency).</summary>
    public string? ClientEventId { get; set; }

    /// <summary>The customer's user id.</summary>
    public required string UserId { get; set; }

    /// <summary>The contact the user id resolved to, when there is one.</summary>
    public Guid? ContactId { get; set; }

    public required string EventType { get; set; }

    /// <summary>When it happened, as the sender says.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public Dictionary<string, JsonElement> Properties { get; set; } = [];

    /// <summary>The user's traits as the sender saw them with this event.</summary>
    public Dictionary<string, JsonElement> Traits { get; set; } = [];

    /// <summary>When Hub stored it (the server-side timeline).</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Whether rules still have to look at it; recorded events (Hub's own) are born evaluated.</summary>
    public EventEvaluation Evaluation { get; set; } = EventEvaluation.Pending;

    /// <summary>The evaluator holding the event, until when; an expired lease frees it for another node.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public int EvaluationAttempts { get; set; }

    public DateTimeOffset? EvaluatedAt { get; set; }
}

/// <summary>Where an event stands with the rules engine.</summary>
public enum EventEvaluation
{
    Pending,
    Evaluated,

    /// <summary>Evaluation kept failing; the decision row says why.</summary>
    Failed,

    /// <summary>Recorded for history and analytics only (e.g. Hub's own notification_opened); never evaluated.</summary>
    NotEvaluated,
}
