using Hub.Core.Workspaces;

namespace Hub.Core.Webhooks;

/// <summary>
/// One event on its way to one subscription: written with the change that raised it, then claimed and POSTed by a
/// dispatcher until the endpoint answers 2xx, or the retry schedule runs out (dead). Every attempt sends the same
/// body and the same <see cref="EventId"/>, so a receiver drops duplicates by that id.
/// </summary>
public sealed class WebhookDelivery : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid SubscriptionId { get; set; }

    /// <summary>The event's id: the idempotency id, in the envelope and in <c>X-Hub-Webhook-Id</c> on every attempt.</summary>
    public Guid EventId { get; set; }

    public required string Subject { get; set; }

    /// <summary>The envelope JSON exactly as POSTed (and signed).</summary>
    public required string Payload { get; set; }

    public WebhookDeliveryState State { get; set; } = WebhookDeliveryState.Pending;

    /// <summary>Attempts made so far (an attempt is counted before the POST, so a crash mid-POST still counts).</summary>
    public int Attempts { get; set; }

    /// <summary>Not before this time (the backoff after a failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher holding the row, and until when; an expired lease frees the row for another one.</summary>
    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>The HTTP status of the last answer; null when there was none (refused, timed out, unreachable).</summary>
    public int? LastStatus { get; set; }

    public string? LastError { get; set; }

    /// <summary>How long the last attempt took, in milliseconds.</summary>
    public int? LastResponseMs { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? SucceededAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where a webhook delivery stands.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its first attempt (or a manual redelivery).</summary>
    Pending,

    /// <summary>The endpoint answered 2xx.</summary>
    Succeeded,

    /// <summary>The last attempt failed; another is scheduled at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Failed,

    /// <summary>The retry schedule ran out; <see cref="WebhookDelivery.LastError"/> says why. Redeliver by hand.</summary>
    Dead,
}
