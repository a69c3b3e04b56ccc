using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Modules.Campaigns;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary><c>/{id}/start</c>, <c>/pause</c>, <c>/resume</c>, <c>/stop</c>: the runner's controls.</summary>
public static class CampaignControlApi
{
    public static RouteGroupBuilder MapCampaignControlApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPost("/{id:guid}/start", StartAsync).WithName("StartCampaign");
        group.MapPost("/{id:guid}/pause", PauseAsync).WithName("PauseCampaign");
        group.MapPost("/{id:guid}/resume", ResumeAsync).WithName("ResumeCampaign");
        group.MapPost("/{id:guid}/stop", StopAsync).WithName("StopCampaign");
        return group;
    }

    /// <summary>Immediate: running now. Scheduled or recurring: scheduled for its first run. Refused (422) when no one would get it.</summary>
    internal static async Task<Results<Ok<StartResponse>, ProblemHttpResult>> StartAsync(
        Guid id, HubDbContext db, AudienceQuery audience, CampaignLifecycle lifecycle, CampaignWake wake, CampaignLive live, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        if (campaign.Status != CampaignStatus.Draft)
        {
            return Problems.Conflict($"Only a draft campaign can be started; this one is {campaign.Status.ToString().ToLowerInvariant()}.");
        }

        var errors = new Dictionary<string, string[]>();
        if (CampaignChannels.Of(campaign).Count == 0)
        {
            errors["channels"] = ["A multi_channel campaign needs channels (push, email, sms, whatsapp) before it can start."];
        }

        if (campaign.TemplateId is null && string.IsNullOrWhiteSpace(campaign.Content) && !campaign.Variants.Items.Any(v => v.TemplateId is not null))
        {
            errors["template_id"] = ["Give the campaign a template_id or content before starting it."];
        }

        var reach = 0;
        if (!campaign.HasAudience)
        {
            errors["audience"] = ["The campaign has no audience: add segment_ids, user_segments, user_filters or conditions."];
        }
        else if ((reach = await audience.CountAsync(await audience.FiltersOfAsync(campaign, cancellationToken), cancellationToken)) == 0)
        {
            errors["audience"] = ["The audience matches no active contact."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The campaign can't start",
            });
        }

        var now = clock.GetUtcNow();
        bool moved;
        if (campaign.Schedule.Type == ScheduleType.Immediate)
        {
            moved = await lifecycle.BeginRunAsync(id, CampaignStatus.Draft, cancellationToken);
        }
        else
        {
            var first = ScheduleMath.FirstRun(campaign.Schedule, now) ?? now;
            moved = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Scheduled).SetProperty(c => c.NextRunAt, first)
                    .SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1;
        }

        if (!moved)
        {
            return Problems.Conflict("The campaign changed meanwhile; reload it.");
        }

        live.Changed(campaign.WorkspaceId, id);
        await wake.WakeAsync(cancellationToken);
        var started = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
        return TypedResults.Ok(new StartResponse(CampaignResponse.From(started), reach));
    }

    internal static Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> PauseAsync(
        Guid id, HubDbContext db, CampaignLifecycle lifecycle, CampaignWake wake, CancellationToken cancellationToken) =>
        MoveAsync(id, CampaignStatus.Running, CampaignStatus.Paused, db, lifecycle, wake, cancellationToken);

    internal static Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> ResumeAsync(
        Guid id, HubDbContext db, CampaignLifecycle lifecycle, CampaignWake wake, CancellationToken cancellationToken) =>
        MoveAsync(id, CampaignStatus.Paused, CampaignStatus.Running, db, lifecycle, wake, cancellationToken);

    internal static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> StopAsync(
        Guid id, HubDbContext db, CampaignLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        if (campaign.Status is not (CampaignStatus.Running or CampaignStatus.Paused or CampaignStatus.Scheduled))
        {
            return Problems.Conflict($"A {campaign.Status.ToString().ToLowerInvariant()} campaign can't be stopped.");
        }

        if (!await lifecycle.StopAsync(campaign, cancellationToken))
        {
            return Problems.Conflict("The campaign changed meanwhile; reload it.");
        }

        return TypedResults.Ok(CampaignResponse.From(await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken)));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> MoveAsync(
        Guid id, CampaignStatus from, CampaignStatus to, HubDbContext db, CampaignLifecycle lifecycle, CampaignWake wake, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return Problems.NotFound("Campaign");
        }

        if (!await lifecycle.MoveAsync(id, from, to, cancellationToken))
        {
            return Problems.Conflict($"Only a {from.ToString().ToLowerInvariant()} campaign can be {(to == CampaignStatus.Paused ? "paused" : "resumed")}; this one is {campaign.Status.ToString().ToLowerInvariant()}.");
        }

        if (to == CampaignStatus.Running)
        {
            await wake.WakeAsync(cancellationToken);
        }

        return TypedResults.Ok(CampaignResponse.From(await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken)));
    }
}
