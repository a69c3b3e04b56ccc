using Hub.Core.Webhooks;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Webhooks.Api;

/// <summary>The delivery log of a subscription and manual redelivery (mapped by <see cref="WebhooksApi"/>).</summary>
public static class WebhookDeliveriesApi
{
    internal static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, HubDbContext db, string? state, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (!QueryEnum.TryParse<WebhookDeliveryState>(state, out var wanted))
        {
            return Problems.Invalid("state", $"state must be one of {QueryEnum.Allowed<WebhookDeliveryState>()}.");
        }

        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return Problems.NotFound("Webhook");
        }

        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (wanted is { } only)
        {
            query = query.Where(d => d.State == only);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(d => d.CreatedAt < at || (d.CreatedAt == at && d.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<WebhookDeliveryResponse>([.. rows.Take(take).Select(WebhookDeliveryResponse.From)], next));
    }

    internal static async Task<Results<Ok<WebhookDeliveryResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        return delivery is null ? Problems.NotFound("Webhook delivery") : TypedResults.Ok(WebhookDeliveryResponse.From(delivery));
    }

    /// <summary>
    /// Sends a dead or failed delivery again now: same body, same event id (receivers that already processed it drop
    /// it). A dead one gets one more attempt; if it fails it is dead again.
    /// </summary>
    internal static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> RedeliverAsync(
        Guid id, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null)
        {
            return Problems.NotFound("Webhook delivery");
        }

        var now = clock.GetUtcNow();
        var moved = await db.WebhookDeliveries
            .Where(d => d.Id == id && (d.State == WebhookDeliveryState.Dead || d.State == WebhookDeliveryState.Failed) && d.LockedBy == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, WebhookDeliveryState.Pending).SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        if (moved == 0)
        {
            return Problems.Conflict($"Only a dead or failed delivery can be redelivered; this one is {Name(delivery.State)}{(delivery.LockedBy is null ? string.Empty : " and being sent right now")}.");
        }

        var fresh = await db.WebhookDeliveries.AsNoTracking().FirstAsync(d => d.Id == id, cancellationToken);
        return TypedResults.Accepted($"/api/v1/webhooks/deliveries/{id}", WebhookDeliveryResponse.From(fresh));
    }

    private static string Name(WebhookDeliveryState state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());
}
