using System.ComponentModel.DataAnnotations;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Contacts.Api;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary>A saved segment as the API shows it.</summary>
public sealed record SegmentResponse(Guid Id, string Name, string? Description, List<string>? UserSegments, UserFilters? UserFilters,
    Core.Rules.RuleConditions? Conditions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SegmentResponse From(Segment s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var filter = AudienceFilter.From(s.Filter);
        return new(s.Id, s.Name, s.Description, filter.UserSegments, filter.UserFilters, filter.Conditions, s.CreatedAt, s.UpdatedAt);
    }
}

/// <summary>Creates or replaces a segment: a name and its filter.</summary>
public sealed record SegmentRequest : AudienceFilter
{
    [Required, MaxLength(200)]
    public required string Name { get; init; }

    [MaxLength(2000)]
    public string? Description { get; init; }
}

/// <summary>
/// What to estimate: a filter and/or saved segments (united, as a campaign's audience is), so the campaign editor can
/// show the reach of the segments it picked.
/// </summary>
public sealed record EstimateRequest : AudienceFilter
{
    public List<Guid>? SegmentIds { get; init; }
}

/// <summary>How many contacts a filter reaches now.</summary>
public sealed record ReachResponse(int EstimatedReach);

/// <summary><c>/api/v1/segments</c>: saved audiences, their reach, and a preview of who is in them.</summary>
public static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/segments").WithTags("Segments").RequireAuthorization(HubPolicies.Marketing);
        group.MapGet("/", ListAsync).WithName("ListSegments");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetSegment");
        group.MapPost("/", CreateAsync).WithName("CreateSegment");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateSegment");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteSegment");
        group.MapPost("/estimate", EstimateAsync).WithName("EstimateSegment");
        group.MapGet("/{id:guid}/contacts", ContactsAsync).WithName("PreviewSegment");
        return app;
    }

    internal static async Task<Ok<List<SegmentResponse>>> ListAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Segments.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(SegmentResponse.From).ToList());
    }

    internal static async Task<Results<Ok<SegmentResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return segment is null ? Problems.NotFound("Segment") : TypedResults.Ok(SegmentResponse.From(segment));
    }

    internal static async Task<Results<Created<SegmentResponse>, ValidationProblem>> CreateAsync(
        SegmentRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Check(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = clock.GetUtcNow();
        var segment = new Segment { Name = request.Name.Trim(), Description = request.Description, Filter = request.ToFilter(), CreatedAt = now, UpdatedAt = now };
        db.Segments.Add(segment);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", SegmentResponse.From(segment));
    }

    internal static async Task<Results<Ok<SegmentResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, SegmentRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Check(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (segment is null)
        {
            return Problems.NotFound("Segment");
        }

        var filter = request.ToFilter();
        if (await InUseAsync(db, id, cancellationToken) && System.Text.Json.JsonSerializer.Serialize(filter) != System.Text.Json.JsonSerializer.Serialize(segment.Filter))
        {
            return Problems.Conflict("A running or paused campaign sends to this segment; its filter can't change until the campaign ends.");
        }

        segment.Name = request.Name.Trim();
        segment.Description = request.Description;
        segment.Filter = filter;
        segment.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SegmentResponse.From(segment));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Segments.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return Problems.NotFound("Segment");
        }

        if (await db.Campaigns.AnyAsync(c => c.SegmentIds.Contains(id) && c.Status != CampaignStatus.Completed && c.Status != CampaignStatus.Cancelled
                && c.Status != CampaignStatus.Failed, cancellationToken))
        {
            return Problems.Conflict("A campaign that has not ended targets this segment; remove it from the campaign first.");
        }

        await db.Segments.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<ReachResponse>, ValidationProblem>> EstimateAsync(
        EstimateRequest request, HubDbContext db, AudienceQuery audience, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        AudienceRules.Check(request, "$", errors);
        await AudienceRules.CheckSegmentIdsAsync(db, request.SegmentIds, "$.segment_ids", errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key.TrimStart('$', '.'), e => e.Value));
        }

        // Like a campaign's audience: the saved segments and the inline filter (when it has a part) are united.
        var filters = new List<SegmentFilter>();
        if (request.SegmentIds is { Count: > 0 } ids)
        {
            filters.AddRange(await db.Segments.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Filter).ToListAsync(cancellationToken));
        }

        var inline = request.ToFilter();
        if (filters.Count == 0 || inline.HasAnyPart())
        {
            filters.Add(inline);
        }

        return TypedResults.Ok(new ReachResponse(await audience.CountAsync(filters, cancellationToken)));
    }

    internal static async Task<Results<Ok<List<ContactResponse>>, ValidationProblem, ProblemHttpResult>> ContactsAsync(
        Guid id, int? limit, HubDbContext db, AudienceQuery audience, CancellationToken cancellationToken)
    {
        var take = limit ?? 20;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (segment is null)
        {
            return Problems.NotFound("Segment");
        }

        var found = new List<ContactResponse>();
        await foreach (var batch in audience.BatchesAsync([segment.Filter], 500, cancellationToken))
        {
            found.AddRange(batch.Take(take - found.Count).Select(ContactResponse.From));
            if (found.Count >= take)
            {
                break;
            }
        }

        return TypedResults.Ok(found);
    }

    private static Dictionary<string, string[]>? Check(SegmentRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["A segment needs a name."];
        }

        AudienceRules.Check(request, "$", errors);
        return errors.Count == 0 ? null : errors.ToDictionary(e => e.Key.TrimStart('$', '.'), e => e.Value);
    }

    private static Task<bool> InUseAsync(HubDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Campaigns.AnyAsync(c => c.SegmentIds.Contains(id) && (c.Status == CampaignStatus.Running || c.Status == CampaignStatus.Paused), cancellationToken);
}
