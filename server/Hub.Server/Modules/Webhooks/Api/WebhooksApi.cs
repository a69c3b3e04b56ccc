using Hub.Core.Webhooks;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Webhooks.Api;

/// <summary>
/// <c>/api/v1/webhooks</c> (admins): subscriptions of customer URLs to Hub's event subjects, their secrets, a test ping,
/// the delivery log and manual redelivery.
/// </summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListWebhooks");
        group.MapGet("/subjects", () => TypedResults.Ok(WebhookSubjects.All)).WithName("ListWebhookSubjects");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetWebhook");
        group.MapPost("/", CreateAsync).WithName("CreateWebhook");
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateWebhook");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteWebhook");
        group.MapPost("/{id:guid}/rotate-secret", RotateSecretAsync).WithName("RotateWebhookSecret");
        group.MapPost("/{id:guid}/test", TestAsync).WithName("TestWebhook");
        group.MapGet("/{id:guid}/deliveries", WebhookDeliveriesApi.ListAsync).WithName("ListWebhookDeliveries");
        group.MapGet("/deliveries/{id:guid}", WebhookDeliveriesApi.GetAsync).WithName("GetWebhookDelivery");
        group.MapPost("/deliveries/{id:guid}/redeliver", WebhookDeliveriesApi.RedeliverAsync).WithName("RedeliverWebhook");
        return app;
    }

    internal static async Task<Results<Ok<Page<WebhookResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var query = db.WebhookSubscriptions.AsNoTracking();
        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(s => s.CreatedAt < at || (s.CreatedAt == at && s.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<WebhookResponse>([.. rows.Take(take).Select(WebhookResponse.From)], next));
    }

    internal static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return subscription is null ? Problems.NotFound("Webhook") : TypedResults.Ok(WebhookResponse.From(subscription));
    }

    internal static async Task<Results<Created<CreatedWebhookResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateWebhookRequest request, HubDbContext db, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (WebhookRules.CheckSubjects(request.Subjects) is { } subjectErrors)
        {
            return TypedResults.ValidationProblem(subjectErrors);
        }

        if (WebhookRules.CheckUrl(request.Url, options.Value.AllowPrivateTargets) is { } urlErrors)
        {
            return Problems.Unprocessable(urlErrors, "Hub will not call this URL.");
        }

        var now = clock.GetUtcNow();
        var subscription = new WebhookSubscription
        {
            Url = request.Url!.Trim(),
            Subjects = [.. request.Subjects!.Distinct(StringComparer.Ordinal)],
            Secret = WebhookSigner.NewSecret(),
            Description = request.Description,
            IsActive = request.Active ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/webhooks/{subscription.Id}", new CreatedWebhookResponse(
            subscription.Id, subscription.Url, subscription.Subjects, subscription.IsActive, subscription.Description, subscription.Secret,
            subscription.CreatedAt, subscription.UpdatedAt));
    }

    internal static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateWebhookRequest request, HubDbContext db, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("Webhook");
        }

        if (WebhookRules.CheckSubjects(request.Subjects) is { } subjectErrors)
        {
            return TypedResults.ValidationProblem(subjectErrors);
        }

        if (WebhookRules.CheckUrl(request.Url, options.Value.AllowPrivateTargets) is { } urlErrors)
        {
            return Problems.Unprocessable(urlErrors, "Hub will not call this URL.");
        }

        subscription.Url = request.Url?.Trim() ?? subscription.Url;
        subscription.Subjects = request.Subjects is { } subjects ? [.. subjects.Distinct(StringComparer.Ordinal)] : subscription.Subjects;
        subscription.Description = request.Description ?? subscription.Description;
        subscription.IsActive = request.Active ?? subscription.IsActive;
        subscription.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(WebhookResponse.From(subscription));
    }

    /// <summary>Deletes the subscription and its delivery log; deliveries not yet made are dropped.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(cancellationToken);
        return await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Webhook")
            : TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<RotatedSecretResponse>, ProblemHttpResult>> RotateSecretAsync(
        Guid id, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("Webhook");
        }

        subscription.Secret = WebhookSigner.NewSecret();
        subscription.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new RotatedSecretResponse(subscription.Id, subscription.Secret));
    }

    /// <summary>Queues a <c>webhook.test.ping</c> to this subscription only (even a paused one); see its delivery for the answer.</summary>
    internal static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> TestAsync(
        Guid id, HubDbContext db, WebhookPublisher publisher, TimeProvider clock, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return Problems.NotFound("Webhook");
        }

        var delivery = await publisher.PublishToAsync(subscription, WebhookSubjects.TestPing,
            new { WebhookId = subscription.Id, Message = "This is a test event from Hub.", SentAt = clock.GetUtcNow() }, cancellationToken);
        return TypedResults.Accepted($"/api/v1/webhooks/deliveries/{delivery.Id}", WebhookDeliveryResponse.From(delivery));
    }
}
