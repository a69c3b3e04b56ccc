using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Inbox;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Realtime;
using Hub.Server.Modules.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary><c>/api/v1/conversations</c>: the shared inbox.</summary>
public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization(HubPolicies.Inbox);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPatch("/{id:guid}", UpdateAsync);
        group.MapPost("/{id:guid}/assign", AssignAsync);
        group.MapPost("/{id:guid}/read", MarkReadAsync);
        group.MapGet("/{id:guid}/messages", MessagesApi.ListForConversationAsync);
        group.MapPost("/{id:guid}/messages", MessagesApi.SendToConversationAsync);
        return app;
    }

    /// <summary>
    /// Filters: <c>status</c>, <c>assignee</c> (<c>me</c>, <c>unassigned</c> or a member id), <c>label</c>,
    /// <c>channel</c>, <c>team</c>, <c>sentiment</c> (negative / neutral / positive: the latest inbound message),
    /// <c>q</c> (subject and message text; PostgreSQL full-text search on PostgreSQL), <c>contact_id</c>. Newest activity first.
    /// </summary>
    internal static async Task<Results<Ok<Page<ConversationResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, HttpContext http, string? status, string? assignee, string? label, string? channel, string? team,
        string? sentiment, string? q, int? limit, string? cursor, CancellationToken cancellationToken,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "contact_id")] Guid? contactId = null)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (!QueryEnum.TryParse<ConversationStatus>(status, out var statusFilter))
        {
            return Problems.Invalid("status", $"status is one of: {QueryEnum.Allowed<ConversationStatus>()}.");
        }

        if (!QueryEnum.TryParse<ChannelType>(channel, out var channelFilter))
        {
            return Problems.Invalid("channel", $"channel is one of: {QueryEnum.Allowed<ChannelType>()}.");
        }

        var query = db.Conversations.AsNoTracking();
        if (contactId is { } contact)
        {
            query = query.Where(c => c.ContactId == contact);
        }

        if (statusFilter is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        switch (assignee)
        {
            case null or "":
                break;
            case "me":
                var me = Guid.Parse(http.User.FindFirst(HubClaims.Subject)?.Value ?? Guid.Empty.ToString());
                query = query.Where(c => c.AssigneeId == me);
                break;
            case "unassigned":
                query = query.Where(c => c.AssigneeId == null);
                break;
            default:
                if (!Guid.TryParse(assignee, out var assigneeId))
                {
                    return Problems.Invalid("assignee", "assignee is me, unassigned or a member id.");
                }

                query = query.Where(c => c.AssigneeId == assigneeId);
                break;
        }

        if (!string.IsNullOrWhiteSpace(label))
        {
            query = query.Where(c => c.Labels.Contains(label));
        }

        if (channelFilter is { } ch)
        {
            query = query.Where(c => c.ChannelType == ch);
        }

        if (!string.IsNullOrWhiteSpace(team))
        {
            query = query.Where(c => c.Team == team);
        }

        if (!string.IsNullOrWhiteSpace(sentiment))
        {
            if (sentiment is not ("negative" or "neutral" or "positive"))
            {
                return Problems.Invalid("sentiment", "sentiment is negative, neutral or positive.");
            }

            query = query.Where(c => db.Messages.Where(m => m.ConversationId == c.Id && m.Direction == MessageDirection.Inbound)
                .OrderByDescending(m => m.CreatedAt).Select(m => m.SentimentLabel).FirstOrDefault() == sentiment);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var matching = db.Database.IsNpgsql()
                ? db.Messages.Where(m => EF.Functions.ToTsVector("simple", m.Text).Matches(EF.Functions.PlainToTsQuery("simple", term))).Select(m => m.ConversationId)
                : db.Messages.Where(m => m.Text.ToLower().Contains(term.ToLower())).Select(m => m.ConversationId);
            var lowered = term.ToLowerInvariant();
            query = query.Where(c => matching.Contains(c.Id) || (c.Subject != null && c.Subject.ToLower().Contains(lowered)));
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(c => c.LastMessageAt < at || (c.LastMessageAt == at && c.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].LastMessageAt!.Value, rows[take - 1].Id) : null;
        var page = rows.Take(take).ToList();
        var names = await ContactNamesAsync(db, page.Select(c => c.ContactId), cancellationToken);
        return TypedResults.Ok(new Page<ConversationResponse>([.. page.Select(c => ConversationResponse.From(c, names.GetValueOrDefault(c.ContactId)))], next));
    }

    internal static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return Problems.NotFound("Conversation");
        }

        var names = await ContactNamesAsync(db, [conversation.ContactId], cancellationToken);
        return TypedResults.Ok(ConversationResponse.From(conversation, names.GetValueOrDefault(conversation.ContactId)));
    }

    internal static async Task<Results<Created<ConversationResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, HubDbContext db, UnitOfWork work, IWorkspaceContext workspace, HttpContext http, SlaClock sla, RealtimeBatch realtime,
        OutboundService outbound, TimeProvider clock, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.ContactId, cancellationToken);
        if (contact is null)
        {
            return Problems.Invalid("contact_id", "No such contact.");
        }

        Channel? channel = null;
        if (request.ChannelId is { } channelId)
        {
            channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
            if (channel is null)
            {
                return Problems.Invalid("channel_id", "No such channel.");
            }
        }

        var type = channel?.Type ?? request.Channel;
        if (type is null)
        {
            return Problems.Invalid("channel", "Give channel (email, sms, whatsapp, chat) or channel_id.");
        }

        var now = clock.GetUtcNow();
        var conversation = new Conversation
        {
            ContactId = contact.Id,
            ChannelId = channel?.Id,
            ChannelType = type.Value,
            Subject = request.Subject,
            Priority = request.Priority ?? Priority.Normal,
            Team = request.Team,
            Labels = request.Labels ?? [],
            LastMessageAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await sla.StartAsync(conversation, cancellationToken);
        await using (var change = await work.BeginAsync(cancellationToken))
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync(cancellationToken);
            await realtime.ConversationAsync(workspace.WorkspaceId!.Value, conversation, cancellationToken);
            await change.CommitAsync(cancellationToken);
        }
        if (!string.IsNullOrWhiteSpace(request.Message))
        {
            try
            {
                await outbound.ReplyAsync(workspace.WorkspaceId!.Value, conversation.Id, MemberId(http), new ReplyRequest(request.Message, null, false, null), cancellationToken);
            }
            catch (ReplyRefused refused)
            {
                return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Can't send");
            }
        }

        var created = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, cancellationToken);
        return TypedResults.Created($"/api/v1/conversations/{conversation.Id}", ConversationResponse.From(created, contact.DisplayName));
    }

    internal static async Task<Results<Ok<ConversationResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateConversationRequest request, HubDbContext db, UnitOfWork work, IWorkspaceContext workspace, SlaClock sla, RealtimeBatch realtime,
        WebhookPublisher webhooks, CsatService csat, HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return Problems.NotFound("Conversation");
        }

        if (request.AssigneeId is { } assigneeId && !await db.Users.AnyAsync(m => m.Id == assigneeId && m.WorkspaceId == workspace.WorkspaceId, cancellationToken))
        {
            return Problems.Invalid("assignee_id", "No such member in this workspace.");
        }

        if (request.Status == ConversationStatus.Snoozed && request.SnoozedUntil is null)
        {
            return Problems.Invalid("snoozed_until", "Snoozing needs snoozed_until.");
        }

        if (request.Labels is { } labels && labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 50))
        {
            return Problems.Invalid("labels", "Labels are 1 to 50 characters.");
        }

        var now = clock.GetUtcNow();
        var resolved = false;
        if (request.Status is { } status && conversation.MoveTo(status, now, request.SnoozedUntil))
        {
            resolved = status == ConversationStatus.Resolved;
        }

        if (request.Priority is { } priority && priority != conversation.Priority)
        {
            conversation.Priority = priority;
            await sla.StartAsync(conversation, cancellationToken);
        }

        if (request.Unassign == true)
        {
            conversation.Unassign();
        }
        else if (request.AssigneeId is { } newAssignee)
        {
            conversation.Assign(newAssignee);
        }

        conversation.Team = request.Team ?? conversation.Team;
        conversation.Labels = request.Labels?.Select(l => l.Trim().ToLowerInvariant()).Distinct().ToList() ?? conversation.Labels;
        conversation.Subject = request.Subject ?? conversation.Subject;
        conversation.UpdatedAt = now;
        await using (var change = await work.BeginAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            if (resolved)
            {
                await webhooks.PublishAsync(conversation.WorkspaceId, Core.Webhooks.WebhookSubjects.ConversationResolved, WebhookData.Conversation(conversation), null, cancellationToken);
                await csat.AskAsync(conversation, MemberId(http), cancellationToken);
            }

            await realtime.ConversationAsync(workspace.WorkspaceId!.Value, conversation, cancellationToken);
            await change.CommitAsync(cancellationToken);
        }

        var names = await ContactNamesAsync(db, [conversation.ContactId], cancellationToken);
        return TypedResults.Ok(ConversationResponse.From(conversation, names.GetValueOrDefault(conversation.ContactId)));
    }

    internal static async Task<Results<Ok<ConversationResponse>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        Guid id, AssignRequest request, HubDbContext db, UnitOfWork work, IWorkspaceContext workspace, AssignmentService assignment, RealtimeBatch realtime,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return Problems.NotFound("Conversation");
        }

        if (request.AssigneeId is { } chosen
            && !await db.Users.AnyAsync(m => m.Id == chosen && m.WorkspaceId == workspace.WorkspaceId, cancellationToken))
        {
            return Problems.Invalid("assignee_id", "No such member in this workspace.");
        }

        // The pick and the save share a transaction: it holds the agents' capacity until the assignment is committed.
        await using (var change = await work.BeginAsync(cancellationToken))
        {
            var assignee = request.AssigneeId ?? await assignment.PickAsync(workspace.WorkspaceId!.Value, conversation.Team, cancellationToken);
            if (assignee is null)
            {
                return TypedResults.Problem("No online agent of the team has room for another conversation.",
                    statusCode: StatusCodes.Status409Conflict, title: "Nobody to assign");
            }

            conversation.Assign(assignee.Value);
            conversation.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            await realtime.ConversationAsync(workspace.WorkspaceId!.Value, conversation, cancellationToken);
            await change.CommitAsync(cancellationToken);
        }
        return TypedResults.Ok(ConversationResponse.From(conversation, null));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(
        Guid id, HubDbContext db, ConversationMessaging messaging, IWorkspaceContext workspace, CancellationToken cancellationToken)
    {
        var last = await db.Messages.Where(m => m.ConversationId == id && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (!await db.Conversations.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        if (last is { } messageId)
        {
            await messaging.MarkReadAsync(workspace.WorkspaceId!.Value, null, new Core.Realtime.ReadReceipt(id, messageId), cancellationToken);
        }

        return TypedResults.NoContent();
    }

    internal static Guid? MemberId(HttpContext http) =>
        Guid.TryParse(http.User.FindFirst(HubClaims.Subject)?.Value, out var id) ? id : null;

    private static async Task<Dictionary<Guid, string>> ContactNamesAsync(HubDbContext db, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => list.Contains(c.Id)).ToListAsync(cancellationToken);
        return contacts.ToDictionary(c => c.Id, c => c.DisplayName);
    }
}
