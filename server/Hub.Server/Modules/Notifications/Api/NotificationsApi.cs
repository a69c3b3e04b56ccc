using Hub.Core.Notifications;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Notifications.Api;

/// <summary>
/// <c>/api/v1/notifications</c>: push to a user's devices now, hold it back through their quiet hours, or keep it
/// until they connect; and, for support staff, a user's notifications with what happened to each.
/// </summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("Notifications");
        group.MapPost("/", PushAsync).WithName("PushNotification").RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListNotifications").RequireAuthorization(HubPolicies.Inbox);
        group.MapGet("/{id:guid}", GetAsync).WithName("GetNotification").RequireAuthorization(HubPolicies.Inbox);
        return app;
    }

    internal static async Task<Results<Accepted<NotificationResponse>, ValidationProblem, ProblemHttpResult>> PushAsync(
        PushNotificationRequest request, HubDbContext db, IWorkspaceContext workspace, NotificationCenter notifications,
        PreferenceChecker preferences, CancellationToken cancellationToken)
    {
        if (request.Data is { Count: > 50 })
        {
            return Problems.Invalid("data", "At most 50 data keys.");
        }

        var category = string.IsNullOrWhiteSpace(request.Category) ? "updates" : request.Category.Trim().ToLowerInvariant();
        var respect = request.RespectPreferences ?? true;
        if (!respect && category == PreferencePolicy.Marketing)
        {
            return Problems.Invalid("respect_preferences", "Marketing pushes always respect the user's preferences.");
        }

        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalId == request.UserId, cancellationToken);
        if (contact is null)
        {
            return Problems.NotFound($"User '{request.UserId}'");
        }

        DateTimeOffset? deliverAfter = null;
        if (respect)
        {
            var verdict = await preferences.CheckAsync(contact, "push", category, cancellationToken);
            if (verdict.Kind == PreferenceVerdictKind.Blocked)
            {
                // Refused rather than silently turned into an email: the caller asked for a push and decides what else to send.
                return TypedResults.Problem(verdict.Reason, statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "The user's preferences refuse this push", extensions: new Dictionary<string, object?> { ["code"] = verdict.Code });
            }

            deliverAfter = verdict.Until; // quiet hours: held back until they end, then the sweep pushes it
        }

        var notification = await notifications.PushAsync(workspace.WorkspaceId!.Value, new PushRequest(contact.Id, request.UserId, request.Title, request.Body)
        {
            Data = request.Data,
            Priority = request.Priority ?? NotificationPriority.Normal,
            Category = category,
            DeliverAfter = deliverAfter,
            Fallback = request.Fallback ?? true,
        }, cancellationToken);
        return TypedResults.Accepted($"/api/v1/notifications/{notification.Id}", NotificationResponse.From(notification, request.UserId));
    }

    internal static async Task<Results<Ok<Page<NotificationResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        HubDbContext db, [FromQuery(Name = "user_id")] string? userId, [FromQuery(Name = "unread_only")] bool? unreadOnly,
        int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            return Problems.Invalid("user_id", "user_id is required.");
        }

        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var contactId = await ContactIdAsync(db, userId, cancellationToken);
        if (contactId is null)
        {
            return Problems.NotFound($"User '{userId}'");
        }

        var query = db.Notifications.AsNoTracking().Where(n => n.ContactId == contactId);
        if (unreadOnly == true)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(n => n.CreatedAt < at || (n.CreatedAt == at && n.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<NotificationResponse>([.. rows.Take(take).Select(n => NotificationResponse.From(n, userId))], next));
    }

    internal static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        if (notification is null)
        {
            return Problems.NotFound("Notification");
        }

        var userId = await db.Contacts.Where(c => c.Id == notification.ContactId).Select(c => c.ExternalId).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(NotificationResponse.From(notification, userId ?? notification.ContactId.ToString()));
    }

    private static Task<Guid?> ContactIdAsync(HubDbContext db, string userId, CancellationToken cancellationToken) =>
        db.Contacts.Where(c => c.ExternalId == userId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
}
