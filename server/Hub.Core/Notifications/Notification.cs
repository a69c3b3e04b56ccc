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
}

/// <summary>Push priority, as in the spec.</summary>
public enum NotificationPriority
{
    Low,
    Normal,
    High,
    Critical,
}
