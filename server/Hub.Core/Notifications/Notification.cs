using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Notifications;

/// <summary>
/// A push notification for one end user (the spec's PushNotificationMessage), kept as the user's in-app
/// notification list so nothing is lost while they are offline.
/// </summary>
public sealed class Notification : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ContactId { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public Dictionary<string, JsonElement> Data { get; set; } = [];

    public NotificationPriority Priority { get; set; } = NotificationPriority.Normal;

    public string Category { get; set; } = "updates";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The notification's sequence number in its user's stream.</summary>
    public long StreamSeq { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? OpenedAt { get; set; }

    public DateTimeOffset? ClickedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }

    /// <summary>A device confirmed it received the push (<c>notification.ack</c> received, opened or clicked).</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>Held back until then (quiet hours); null once pushed, or when it was pushed at once.</summary>
    public DateTimeOffset? DeliverAfter { get; set; }

    /// <summary>If no device acknowledges it by then, send it by the user's next enabled channel; null: no fallback.</summary>
    public DateTimeOffset? FallbackDueAt { get; set; }

    /// <summary>What the fallback did: <c>sent:email</c>, <c>skipped:no_channel</c>…; set once, by whichever node took it.</summary>
    public string? FallbackOutcome { get; set; }

    /// <summary>The outbound message the fallback queued.</summary>
    public Guid? FallbackMessageId { get; set; }
}

/// <summary>Push priority, as in the spec.</summary>
public enum NotificationPriority
{
    Low,
    Normal,
    High,
    Critical,
}
