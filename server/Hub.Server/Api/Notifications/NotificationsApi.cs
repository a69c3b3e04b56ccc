using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Notifications;
using Hub.Core.Realtime;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Api.Notifications;

/// <summary>Sends a push notification to one end user (by your user id).</summary>
public sealed record PushNotificationRequest(
    [property: Required, MaxLength(200)] string UserId,
    [property: Required, MaxLength(500)] string Title,
    [property: Required, MaxLength(4000)] string Body,
    Dictionary<string, JsonElement>? Data,
    NotificationPriority? Priority,
    [property: MaxLength(100)] string? Category);

/// <summary><c>POST /api/v1/notifications</c>: push to a user's devices now, or keep it until they connect.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/notifications", PushAsync).WithTags("Notifications").RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static async Task<Results<Accepted<PushNotificationMessage>, ValidationProblem, ProblemHttpResult>> PushAsync(
        PushNotificationRequest request, HubDbContext db, IWorkspaceContext workspace, NotificationCenter notifications, CancellationToken cancellationToken)
    {
        if (request.Data is { Count: > 50 })
        {
            return Problems.Invalid("data", "At most 50 data keys.");
        }

        var contactId = await db.Contacts.Where(c => c.ExternalId == request.UserId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
        if (contactId is null)
        {
            return Problems.NotFound($"User '{request.UserId}'");
        }

        var notification = await notifications.PushAsync(workspace.WorkspaceId!.Value, new PushRequest(contactId.Value, request.UserId, request.Title, request.Body)
        {
            Data = request.Data,
            Priority = request.Priority ?? NotificationPriority.Normal,
            Category = request.Category ?? "updates",
        }, cancellationToken);
        return TypedResults.Accepted($"/api/v1/notifications/{notification.Id}", PushNotificationMessage.From(notification, request.UserId));
    }
}
