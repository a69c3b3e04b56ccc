using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Delivery;

/// <summary>
/// One outbound message waiting for, or going through, delivery. Written in the same transaction as its
/// message; delivery workers claim it, record the attempt before calling the provider, and record the
/// outcome after.
/// </summary>
public sealed class OutboxEntry : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid MessageId { get; set; }

    public Guid? ChannelId { get; set; }

    public ChannelType Channel { get; set; }

    public OutboxState State { get; set; } = OutboxState.Pending;

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; } = 5;

    /// <summary>Not before this time (backoff, rate limits, schedules).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The worker holding the row, and until when; an expired lease frees the row.</summary>
    public string? LockedBy { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public string? LastError { get; set; }

    public string? ProviderMessageId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>Where an outbox row stands.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>A worker recorded an attempt and is talking to the provider.</summary>
    Sending,

    /// <summary>The provider accepted it.</summary>
    Sent,

    /// <summary>Given up: permanent failure, out of tries, or an attempt whose outcome is unknown. Retry by hand.</summary>
    Dead,
}
