using System.ComponentModel.DataAnnotations;
using Fluid;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>A saved reply.</summary>
public sealed record CannedResponseBody(Guid Id, string ShortCode, string Content, string? Team, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CannedResponseBody From(CannedResponse c) => new(c.Id, c.ShortCode, c.Content, c.Team, c.CreatedAt, c.UpdatedAt);
}

/// <summary>Creates or changes a saved reply, shared with everyone or with one team. Placeholders: <c>{{ contact.first_name }}</c>, <c>{{ contact.name }}</c>, <c>{{ agent.name }}</c>…</summary>
public sealed record CannedResponseRequest(
    [property: Required, RegularExpression("^[a-z0-9_-]{1,64}$", ErrorMessage = "short_code is 1-64 of a-z, 0-9, _ and -.")] string ShortCode,
    [property: Required, MinLength(1), MaxLength(10_000)] string Content,
    [property: MaxLength(100)] string? Team = null)
{
    /// <summary>The team it is shared with, normalised; <c>null</c> shares it with everyone.</summary>
    public string? SharedWith => string.IsNullOrWhiteSpace(Team) ? null : Team.Trim().ToLowerInvariant();
}

/// <summary>A saved reply filled in for one conversation.</summary>
public sealed record RenderedResponse(string ShortCode, string Content);

/// <summary><c>/api/v1/canned-responses</c>: saved replies agents insert with <c>/short_code</c>.</summary>
public static class CannedResponsesApi
{
    private static readonly FluidParser Parser = new();

    public static IEndpointRouteBuilder MapCannedResponsesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/canned-responses").WithTags("Canned responses").RequireAuthorization(HubPolicies.Inbox);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapGet("/{id:guid}/render", RenderAsync);
        return app;
    }

    /// <summary>Admins see every saved reply; others see the shared ones and their own team's.</summary>
    internal static async Task<Ok<List<CannedResponseBody>>> ListAsync(HubDbContext db, HttpContext http, string? search, CancellationToken cancellationToken)
    {
        var query = db.CannedResponses.AsNoTracking();
        if (!http.User.IsInRole(Hub.Core.Members.MemberRole.Admin))
        {
            var me = HubClaims.MemberId(http.User);
            var team = me is null ? null : await db.Users.Where(m => m.Id == me).Select(m => m.Team).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(c => c.Team == null || c.Team == team);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().TrimStart('/').ToLowerInvariant();
            query = query.Where(c => c.ShortCode.Contains(term) || c.Content.ToLower().Contains(term));
        }

        var rows = await query.OrderBy(c => c.ShortCode).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(CannedResponseBody.From).ToList());
    }

    internal static async Task<Results<Created<CannedResponseBody>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CannedResponseRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Parser.TryParse(request.Content, out _, out var error))
        {
            return Problems.Invalid("content", $"The placeholders don't parse: {error}");
        }

        if (await db.CannedResponses.AnyAsync(c => c.ShortCode == request.ShortCode, cancellationToken))
        {
            return Problems.Conflict($"/{request.ShortCode} already exists.");
        }

        var now = clock.GetUtcNow();
        var canned = new CannedResponse { ShortCode = request.ShortCode, Content = request.Content, Team = request.SharedWith, CreatedAt = now, UpdatedAt = now };
        db.CannedResponses.Add(canned);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/canned-responses/{canned.Id}", CannedResponseBody.From(canned));
    }

    internal static async Task<Results<Ok<CannedResponseBody>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, CannedResponseRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Parser.TryParse(request.Content, out _, out var error))
        {
            return Problems.Invalid("content", $"The placeholders don't parse: {error}");
        }

        var canned = await db.CannedResponses.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (canned is null)
        {
            return Problems.NotFound("Canned response");
        }

        if (canned.ShortCode != request.ShortCode && await db.CannedResponses.AnyAsync(c => c.ShortCode == request.ShortCode, cancellationToken))
        {
            return Problems.Conflict($"/{request.ShortCode} already exists.");
        }

        canned.ShortCode = request.ShortCode;
        canned.Content = request.Content;
        canned.Team = request.SharedWith;
        canned.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(CannedResponseBody.From(canned));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken) =>
        await db.CannedResponses.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Canned response")
            : TypedResults.NoContent();

    /// <summary>Fills the placeholders for a conversation's contact and the calling agent.</summary>
    internal static async Task<Results<Ok<RenderedResponse>, ValidationProblem, ProblemHttpResult>> RenderAsync(
        Guid id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "conversation_id")] Guid? conversationId, HubDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var canned = await db.CannedResponses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (canned is null)
        {
            return Problems.NotFound("Canned response");
        }

        var contact = conversationId is { } cid
            ? await db.Conversations.Where(c => c.Id == cid).Join(db.Contacts, c => c.ContactId, k => k.Id, (_, k) => k).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (conversationId is not null && contact is null)
        {
            return Problems.Invalid("conversation_id", "No such conversation.");
        }

        var model = new Dictionary<string, object?>
        {
            ["contact"] = new Dictionary<string, object?>
            {
                ["first_name"] = contact?.FirstName ?? "there",
                ["last_name"] = contact?.LastName,
                ["name"] = contact?.DisplayName ?? "there",
                ["email"] = contact?.Email,
                ["phone"] = contact?.Phone,
            },
            ["agent"] = new Dictionary<string, object?> { ["name"] = http.User.FindFirst(HubClaims.Name)?.Value },
        };
        var template = Parser.Parse(canned.Content);
        var context = new TemplateContext(model, new TemplateOptions { MemberAccessStrategy = new UnsafeMemberAccessStrategy() });
        return TypedResults.Ok(new RenderedResponse(canned.ShortCode, await template.RenderAsync(context)));
    }
}
