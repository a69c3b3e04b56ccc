using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary><c>/api/v1/campaigns</c>: build, list, change and run campaigns.</summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization(HubPolicies.Marketing);
        group.MapGet("/", ListAsync).WithName("ListCampaigns");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCampaign");
        group.MapPost("/", CreateAsync).WithName("CreateCampaign");
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateCampaign");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteCampaign");
        group.MapCampaignControlApi();
        group.MapCampaignStatsApi();
        group.MapCampaignEventsApi();
        return app;
    }

    internal static async Task<Results<Ok<Page<CampaignResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, string? status, string? type, [FromQuery(Name = "campaign_type")] string? campaignType, string? search, int? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        if (!QueryEnum.TryParse<CampaignStatus>(status, out var wantedStatus))
        {
            return Problems.Invalid("status", $"status must be one of {QueryEnum.Allowed<CampaignStatus>()}.");
        }

        if (!QueryEnum.TryParse<CampaignType>(campaignType ?? type, out var wantedType))
        {
            return Problems.Invalid(campaignType is null ? "type" : "campaign_type", $"type must be one of {QueryEnum.Allowed<CampaignType>()}.");
        }

        var query = db.Campaigns.AsNoTracking();
        if (wantedStatus is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        if (wantedType is { } t)
        {
            query = query.Where(c => c.Type == t);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(c => c.Name.ToLower().Contains(term) || (c.Description != null && c.Description.ToLower().Contains(term))
                || (c.SubjectLine != null && c.SubjectLine.ToLower().Contains(term)));
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(c => c.CreatedAt < at || (c.CreatedAt == at && c.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<CampaignResponse>([.. rows.Take(take).Select(CampaignResponse.From)], next));
    }

    internal static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return campaign is null ? Problems.NotFound("Campaign") : TypedResults.Ok(CampaignResponse.From(campaign));
    }

    internal static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateAsync(
        CampaignRequest request, HttpContext http, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await CampaignRules.CheckAsync(request, db, cancellationToken) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = clock.GetUtcNow();
        var campaign = new Campaign { Name = request.Name.Trim(), CreatedAt = now };
        Apply(campaign, request, now);
        campaign.CreatedBy = Guid.TryParse(http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var member) ? member : null;
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", CampaignResponse.From(campaign));
    }

    internal static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, CampaignRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await CampaignRules.CheckAsync(request, db, cancellationToken) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        var before = Content(campaign);
        var now = clock.GetUtcNow();
        Apply(campaign, request, now);
        if (campaign.IsContentLocked && Content(campaign) != before)
        {
            return Problems.Conflict($"The campaign is {campaign.Status.ToString().ToLowerInvariant()}: its audience, template, content, type and variants can't change while it sends. Stop it, or change only name, description and settings.");
        }

        if (campaign.Status == CampaignStatus.Scheduled)
        {
            campaign.NextRunAt = ScheduleMath.FirstRun(campaign.Schedule, now) ?? now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(CampaignResponse.From(campaign));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        if (campaign.Status is not (CampaignStatus.Draft or CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Failed))
        {
            return Problems.Conflict($"A {campaign.Status.ToString().ToLowerInvariant()} campaign can't be deleted; stop it first.");
        }

        var deleted = await db.Campaigns.Where(c => c.Id == id && c.Status == campaign.Status).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Problems.Conflict("The campaign changed meanwhile; try again.") : TypedResults.NoContent();
    }

    private static void Apply(Campaign campaign, CampaignRequest request, DateTimeOffset now)
    {
        campaign.Name = request.Name.Trim();
        campaign.Description = request.Description;
        campaign.Type = request.Type;
        campaign.Channels = request.Type == CampaignType.MultiChannel ? request.Channels ?? [] : [];
        campaign.SubjectLine = request.SubjectLine;
        campaign.SenderName = request.SenderName;
        campaign.SenderEmail = request.SenderEmail;
        campaign.TemplateId = request.TemplateId;
        campaign.Content = request.Content;
        campaign.Category = string.IsNullOrWhiteSpace(request.Category) ? Core.Notifications.PreferencePolicy.Marketing : request.Category.Trim();
        campaign.SegmentIds = request.Audience?.SegmentIds ?? [];
        campaign.Audience = request.Audience?.ToFilter() ?? new SegmentFilter();
        campaign.Schedule = request.Schedule ?? new CampaignSchedule();
        campaign.Settings = request.Settings ?? new CampaignSettings();
        campaign.Variants = request.Variants ?? new CampaignVariants();
        campaign.OpenTrackingEnabled = request.OpenTrackingEnabled ?? true;
        campaign.ClickTrackingEnabled = request.ClickTrackingEnabled ?? true;
        campaign.UnsubscribeEnabled = request.UnsubscribeEnabled ?? true;
        campaign.Metadata = request.Metadata ?? [];
        campaign.UpdatedAt = now;
    }

    /// <summary>What a sending campaign must keep: who it goes to and what it says.</summary>
    private static string Content(Campaign c) => System.Text.Json.JsonSerializer.Serialize(new
    {
        c.Type, c.Channels, c.TemplateId, c.Content, c.SubjectLine, c.Category, c.SegmentIds, c.Audience, c.Variants,
    });
}
