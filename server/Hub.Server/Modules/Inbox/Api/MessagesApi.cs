using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Inbox;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary><c>/api/v1/messages</c> (product spec) and the messages of a conversation.</summary>
public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/messages").WithTags("Messages").RequireAuthorization(HubPolicies.Inbox);
        group.MapGet("/", ListAsync);
        group.MapPost("/", PostAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/retry", RetryAsync);
        return app;
    }

    internal static async Task<Results<Ok<Page<MessageResponse>>, ValidationProblem, ProblemHttpResult>> ListForConversationAsync(
        Guid id, HubDbContext db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        return await PageAsync(db, db.Messages.Where(m => m.ConversationId == id), limit, cursor, cancellationToken);
    }

    internal static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> SendToConversationAsync(
        Guid id, SendMessageBody body, OutboundService outbound, IWorkspaceContext workspace, HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            var message = await outbound.ReplyAsync(workspace.WorkspaceId!.Value, id, ConversationsApi.MemberId(http),
                new ReplyRequest(body.Content, body.Html, body.Private ?? false, body.Mentions, body.Channel), cancellationToken);
            return TypedResults.Created($"/api/v1/messages/{message.Id}", MessageResponse.From(message));
        }
        catch (KeyNotFoundException)
        {
            return Problems.NotFound("Conversation");
        }
        catch (ReplyRefused refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Can't send",
                extensions: new Dictionary<string, object?> { ["field"] = refused.Field });
        }
        catch (Hub.Server.Modules.Realtime.RealtimeRefusal refused) when (refused.Code == "not_found")
        {
            return Problems.NotFound("Conversation");
        }
        catch (Hub.Server.Modules.Realtime.RealtimeRefusal refused)
        {
            // A web chat reply goes through the real-time path, whose limits (Realtime:MaxContentLength) are tighter
            // than the REST validation's: its refusal is the caller's to read, not a 500.
            return Problems.Invalid("content", refused.Message);
        }
    }

    internal static Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> PostAsync(
        PostMessageRequest request, OutboundService outbound, IWorkspaceContext workspace, HttpContext http, CancellationToken cancellationToken) =>
        SendToConversationAsync(request.ConversationId!.Value, new SendMessageBody(request.Content, request.Html, request.Private, request.Mentions),
            outbound, workspace, http, cancellationToken);

    internal static async Task<Results<Ok<Page<MessageResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        HubDbContext db, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "conversation_id")] Guid? conversationId,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "channel_id")] Guid? channelId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var query = db.Messages.AsQueryable();
        if (conversationId is { } c)
        {
            query = query.Where(m => m.ConversationId == c);
        }

        if (channelId is { } ch)
        {
            query = query.Where(m => m.ChannelId == ch);
        }

        return await PageAsync(db, query, limit, cursor, cancellationToken);
    }

    internal static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null)
        {
            return Problems.NotFound("Message");
        }

        var outbox = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(o => o.MessageId == id, cancellationToken);
        return TypedResults.Ok(MessageResponse.From(message, outbox));
    }

    /// <summary>Puts a dead-lettered message back in the queue for a fresh set of tries.</summary>
    internal static async Task<Results<Accepted<MessageResponse>, ProblemHttpResult>> RetryAsync(
        Guid id, HubDbContext db, DeliverySignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outbox = await db.Outbox.FirstOrDefaultAsync(o => o.MessageId == id, cancellationToken);
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (outbox is null || message is null)
        {
            return Problems.NotFound("Message");
        }

        if (outbox.State != OutboxState.Dead)
        {
            return TypedResults.Problem($"Only failed messages can be retried; this one is {outbox.State.ToString().ToLowerInvariant()}.",
                statusCode: StatusCodes.Status409Conflict, title: "Not failed");
        }

        var now = clock.GetUtcNow();
        if (!message.Requeue(now))
        {
            return TypedResults.Problem($"Only failed messages can be retried; this one is {message.Status.ToString().ToLowerInvariant()}.",
                statusCode: StatusCodes.Status409Conflict, title: "Not failed");
        }

        outbox.State = OutboxState.Pending;
        outbox.Attempts = 0;
        outbox.NextAttemptAt = now;
        outbox.LastError = null;
        outbox.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Accepted($"/api/v1/messages/{id}", MessageResponse.From(message, outbox));
    }

    private static async Task<Results<Ok<Page<MessageResponse>>, ValidationProblem, ProblemHttpResult>> PageAsync(
        HubDbContext db, IQueryable<Message> query, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(m => m.CreatedAt < at || (m.CreatedAt == at && m.Id.CompareTo(after) < 0));
        }

        var rows = await query.AsNoTracking().OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        var page = rows.Take(take).ToList();
        var ids = page.Select(m => m.Id).ToList();
        var outbox = await db.Outbox.AsNoTracking().Where(o => ids.Contains(o.MessageId)).ToDictionaryAsync(o => o.MessageId, cancellationToken);
        return TypedResults.Ok(new Page<MessageResponse>([.. page.Select(m => MessageResponse.From(m, outbox.GetValueOrDefault(m.Id)))], next));
    }
}
