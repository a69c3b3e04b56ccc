using System.Text.Json;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Hub.Server.Modules.Rules;

namespace Hub.Server.Modules.Rules.Api;

/// <summary><c>/api/v1/events</c>: what users did, sent by the customer's systems (mostly with an API key).</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events").WithTags("Events").RequireAuthorization();
        // The body is refused unread past twice an event's allowance; within it, Validate measures the event itself.
        group.MapPost("/", IngestAsync).WithName("IngestEvent").WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2 * EventIngestion.MaxEventBytes));
        group.MapPost("/batch", IngestBatchAsync).WithName("IngestEvents");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetEvent");
        group.MapGet("/", ListAsync).WithName("ListEvents");
        return app;
    }

    internal static async Task<Results<Accepted<EventAccepted>, ValidationProblem>> IngestAsync(
        EventRequest request, EventIngestion ingestion, CancellationToken cancellationToken)
    {
        if (ingestion.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var stored = (await ingestion.IngestAsync([request], cancellationToken))[0];
        return TypedResults.Accepted($"/api/v1/events/{stored.EventId}",
            new EventAccepted(stored.EventId, stored.ClientEventId, stored.Duplicate ? "duplicate" : "accepted"));
    }

    internal static async Task<Results<Accepted<EventBatchResponse>, ValidationProblem>> IngestBatchAsync(
        EventBatchRequest request, EventIngestion ingestion, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (request.Events is not { Count: > 0 } items)
        {
            return Problems.Invalid("events", "events must hold at least one event.");
        }

        if (items.Count > EventIngestion.MaxBatch)
        {
            return Problems.Invalid("events", $"At most {EventIngestion.MaxBatch} events per batch.");
        }

        var results = new EventBatchItem?[items.Count];
        var valid = new List<(int Index, EventRequest Request)>();
        for (var i = 0; i < items.Count; i++)
        {
            EventRequest? item;
            try
            {
                item = items[i].ValueKind == JsonValueKind.Object ? items[i].Deserialize<EventRequest>(json.Value.SerializerOptions) : null;
            }
            catch (JsonException ex)
            {
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
                results[i] = Rejected(i, null, new Dictionary<string, string[]> { [field] = ["This value has the wrong type, is not allowed here, or is not a valid value."] });
                continue;
            }

            if (item is null)
            {
                results[i] = Rejected(i, null, new Dictionary<string, string[]> { ["$"] = ["Each event must be a JSON object."] });
            }
            else if (ingestion.Validate(item) is { } errors)
            {
                results[i] = Rejected(i, item.EventId, errors);
            }
            else
            {
                valid.Add((i, item));
            }
        }

        if (valid.Count > 0)
        {
            var stored = await ingestion.IngestAsync([.. valid.Select(v => v.Request)], cancellationToken);
            for (var k = 0; k < valid.Count; k++)
            {
                var s = stored[k];
                results[valid[k].Index] = new EventBatchItem(valid[k].Index, s.EventId, s.ClientEventId, s.Duplicate ? "duplicate" : "accepted", null);
            }
        }

        var list = results.Select(r => r!).ToList();
        return TypedResults.Accepted("/api/v1/events", new EventBatchResponse(
            list.Count(r => r.Status == "accepted"), list.Count(r => r.Status == "duplicate"), list.Count(r => r.Status == "rejected"), list));
    }

    private static EventBatchItem Rejected(int index, string? clientId, Dictionary<string, string[]> errors) =>
        new(index, null, clientId, "rejected", errors);

    internal static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var trackedEvent = await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (trackedEvent is null)
        {
            return Problems.NotFound("Event");
        }

        var decisions = await db.Decisions.AsNoTracking().Where(d => d.EventId == id).OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(EventResponse.From(trackedEvent, decisions));
    }

    internal static async Task<Results<Ok<Page<EventResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, string? userId, string? eventType, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var query = db.Events.AsNoTracking();
        if (!string.IsNullOrEmpty(userId))
        {
            query = query.Where(e => e.UserId == userId);
        }

        if (!string.IsNullOrEmpty(eventType))
        {
            query = query.Where(e => e.EventType == eventType);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(e => e.ReceivedAt < at || (e.ReceivedAt == at && e.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        var page = rows.Take(take).ToList();
        var ids = page.Select(e => e.Id).ToList();
        var decisions = (await db.Decisions.AsNoTracking().Where(d => ids.Contains(d.EventId)).ToListAsync(cancellationToken))
            .OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).ToLookup(d => d.EventId);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].ReceivedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<EventResponse>([.. page.Select(e => EventResponse.From(e, decisions[e.Id]))], next));
    }
}
