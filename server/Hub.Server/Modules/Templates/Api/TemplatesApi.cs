using Hub.Core.Campaigns;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Templates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Templates.Api;

/// <summary><c>/api/v1/templates</c>: the messages rules and campaigns send, checked at save so they render at send.</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListTemplates");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetTemplate");
        group.MapPost("/", CreateAsync).WithName("CreateTemplate").RequireAuthorization(HubPolicies.Marketing);
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateTemplate").RequireAuthorization(HubPolicies.Marketing);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteTemplate").RequireAuthorization(HubPolicies.Marketing);
        group.MapPost("/{id:guid}/preview", PreviewAsync).WithName("PreviewTemplate");
        return app;
    }

    internal static async Task<Results<Ok<Page<TemplateResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, string? search, string? category, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "is_active")] bool? isActive, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var query = db.Templates.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(t => t.Name.ToLower().Contains(term)
                || (t.Description != null && t.Description.ToLower().Contains(term))
                || t.Subject.ToLower().Contains(term));
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(t => t.Category == category);
        }

        if (isActive is { } active)
        {
            query = query.Where(t => t.IsActive == active);
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(t => t.CreatedAt < at || (t.CreatedAt == at && t.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<TemplateResponse>([.. rows.Take(take).Select(TemplateResponse.From)], next));
    }

    internal static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return template is null ? Problems.NotFound("Template") : TypedResults.Ok(TemplateResponse.From(template));
    }

    internal static async Task<Results<Created<TemplateResponse>, ProblemHttpResult>> CreateAsync(
        TemplateRequest request, HubDbContext db, TemplateRenderer renderer, HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var template = new Template
        {
            Name = request.Name!,
            Subject = request.Subject!,
            HtmlContent = request.HtmlContent!,
            CreatedBy = HubClaims.MemberId(http.User),
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(template, request);
        if (Unrenderable(renderer, template) is { } problem)
        {
            return problem;
        }

        if (await db.Templates.AnyAsync(t => t.Name == template.Name, cancellationToken))
        {
            return Problems.Conflict($"A template named '{template.Name}' already exists.");
        }

        db.Templates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/templates/{template.Id}", TemplateResponse.From(template));
    }

    internal static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> UpdateAsync(
        Guid id, TemplateRequest request, HubDbContext db, TemplateRenderer renderer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound("Template");
        }

        var oldName = template.Name;
        Apply(template, request);
        if (Unrenderable(renderer, template) is { } problem)
        {
            return problem;
        }

        if (template.Name != oldName)
        {
            if (await db.Templates.AnyAsync(t => t.Name == template.Name && t.Id != id, cancellationToken))
            {
                return Problems.Conflict($"A template named '{template.Name}' already exists.");
            }

            // Rules find templates by name: renaming one from under them would break them at send time.
            if (await TemplateUsage.RulesUsingAsync(db, oldName, cancellationToken) is { Count: > 0 } users)
            {
                return Problems.Conflict($"Rules use this template by name ({string.Join(", ", users)}); point them at another template before renaming it.");
            }
        }

        template.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(TemplateResponse.From(template));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound("Template");
        }

        if (await TemplateUsage.RulesUsingAsync(db, template.Name, cancellationToken) is { Count: > 0 } users)
        {
            return Problems.Conflict($"Rules use this template ({string.Join(", ", users)}); change or delete them first.");
        }

        await db.Templates.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<RenderedTemplate>, ValidationProblem, ProblemHttpResult>> PreviewAsync(
        Guid id, PreviewTemplateRequest request, HubDbContext db, TemplateRenderer renderer, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound("Template");
        }

        var contact = SampleContact;
        if (request.UserId is { } userId)
        {
            var hubId = Guid.TryParse(userId, out var parsed) ? parsed : (Guid?)null;
            var found = await db.Contacts.AsNoTracking()
                .FirstOrDefaultAsync(c => c.ExternalId == userId || (hubId != null && c.Id == hubId), cancellationToken);
            if (found is null)
            {
                return Problems.Invalid("user_id", $"No user '{userId}' in this workspace.");
            }

            contact = found;
        }

        try
        {
            return TypedResults.Ok(renderer.Render(template, contact, request.Data, string.IsNullOrWhiteSpace(request.Language) ? null : request.Language));
        }
        catch (Exception ex) when (ex is InvalidOperationException or Fluid.ParseException)
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["template"] = [ex.Message] }, "The template does not render.");
        }
    }

    private static readonly Contact SampleContact = new()
    {
        ExternalId = "sample-user",
        FirstName = "Ada",
        LastName = "Lovelace",
        Email = "ada@example.com",
        Phone = "+14155550123",
        TimeZone = "Europe/London",
        Language = "en",
    };

    private static void Apply(Template template, TemplateRequest request)
    {
        template.Name = request.Name!;
        template.Description = request.Description;
        template.Subject = request.Subject!;
        template.HtmlContent = request.HtmlContent!;
        template.TextContent = request.TextContent;
        template.Variables = request.Variables ?? [];
        template.Localizations = request.Localizations ?? [];
        template.Category = request.Category;
        template.IsActive = request.IsActive ?? true;
    }

    private static ProblemHttpResult? Unrenderable(TemplateRenderer renderer, Template template) =>
        renderer.Check(template) is { Count: > 0 } errors
            ? Problems.Unprocessable(errors, "The template does not render: " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
            : null;
}
