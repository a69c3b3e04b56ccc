using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Notifications;

namespace Hub.Server.Modules.Notifications.Api;

/// <summary>Sends a push notification to one end user (by your user id).</summary>
/// <param name="UserId">Your id of the user (the contact's <c>external_id</c>).</param>
/// <param name="Title">The notification's title.</param>
/// <param name="Body">The notification's text.</param>
/// <param name="Data">Up to 50 keys handed to the app as they are.</param>
/// <param name="Priority"><c>low</c>, <c>normal</c> (default), <c>high</c> or <c>critical</c>.</param>
/// <param name="Category"><c>updates</c> (default), <c>marketing</c>, <c>security</c> or the workspace's own.</param>
/// <param name="Fallback">If no device acknowledges it in time (<c>Notifications:PushFallbackAfter</c>), send it by email or SMS. Default true.</param>
/// <param name="RespectPreferences">
/// Apply the user's preferences (push off → 422; quiet hours → held back). Default true; false is refused for
/// <c>marketing</c>, which always respects them. Critical categories (security) pass quiet hours and opt-outs anyway.
/// </param>
public sealed record PushNotificationRequest(
    [property: Required, MaxLength(200)] string UserId,
    [property: Required, MaxLength(500)] string Title,
    [property: Required, MaxLength(4000)] string Body,
    Dictionary<string, JsonElement>? Data,
    NotificationPriority? Priority,
    [property: MaxLength(100)] string? Category,
    bool? Fallback = null,
    bool? RespectPreferences = null);

/// <summary>
/// A push notification as support staff see it: the spec's fields, and what happened to it — held back until
/// <see cref="DeliverAfter"/>, handed to a device, acknowledged, opened, clicked, read, and its fallback.
/// </summary>
public sealed record NotificationResponse(
    Guid NotificationId,
    string UserId,
    string Title,
    string Body,
    Dictionary<string, JsonElement> Data,
    NotificationPriority Priority,
    string Category,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliverAfter,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? ClickedAt,
    DateTimeOffset? ReadAt,
    DateTimeOffset? FallbackDueAt,
    string? FallbackOutcome,
    Guid? FallbackMessageId)
{
    public static NotificationResponse From(Notification n, string userId) => new(
        n.Id, userId, n.Title, n.Body, n.Data, n.Priority, n.Category, n.CreatedAt, n.DeliverAfter, n.DeliveredAt, n.AcknowledgedAt,
        n.OpenedAt, n.ClickedAt, n.ReadAt, n.FallbackDueAt, n.FallbackOutcome, n.FallbackMessageId);
}
