using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Modules.Campaigns.Api;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Api;

/// <summary>A campaign's audience: saved segments and/or a filter of its own (united: a contact in any of them is in).</summary>
public sealed record CampaignAudienceDto : AudienceFilter
{
    public List<Guid>? SegmentIds { get; init; }
}

/// <summary>Creates a campaign (status draft) or replaces one (PUT).</summary>
public sealed record CampaignRequest
{
    [Required, MaxLength(200)]
    public required string Name { get; init; }

    [MaxLength(2000)]
    public string? Description { get; init; }

    public CampaignType Type { get; init; } = CampaignType.Email;

    /// <summary>
    /// multi_channel only: the channels to try in order (<c>push</c>, <c>email</c>, <c>sms</c>, <c>whatsapp</c>); each
    /// recipient gets one message, on the first channel that reaches them and that their preferences allow.
    /// </summary>
    [MaxLength(4)]
    public List<string>? Channels { get; init; }

    [MaxLength(998)]
    public string? SubjectLine { get; init; }

    [MaxLength(200)]
    public string? SenderName { get; init; }

    [EmailAddress, MaxLength(320)]
    public string? SenderEmail { get; init; }

    public Guid? TemplateId { get; init; }

    /// <summary>The body when there is no template (Liquid, like a template's HTML).</summary>
    [MaxLength(500_000)]
    public string? Content { get; init; }

    /// <summary>The preference category; default <c>marketing</c>.</summary>
    [MaxLength(100)]
    public string? Category { get; init; }

    public CampaignAudienceDto? Audience { get; init; }

    public CampaignSchedule? Schedule { get; init; }

    public CampaignSettings? Settings { get; init; }

    public CampaignVariants? Variants { get; init; }

    public bool? OpenTrackingEnabled { get; init; }

    public bool? ClickTrackingEnabled { get; init; }

    public bool? UnsubscribeEnabled { get; init; }

    public Dictionary<string, JsonElement>? Metadata { get; init; }
}

/// <summary>A campaign as the API shows it.</summary>
public sealed record CampaignResponse(
    Guid Id, string Name, string? Description, CampaignType Type, IReadOnlyList<string> Channels, CampaignStatus Status, string? SubjectLine, string? SenderName,
    string? SenderEmail, Guid? TemplateId, string? Content, string Category, CampaignAudienceDto Audience, CampaignSchedule Schedule,
    CampaignSettings Settings, CampaignVariants Variants, bool OpenTrackingEnabled, bool ClickTrackingEnabled, bool UnsubscribeEnabled,
    int CurrentRun, int TotalRecipients, DateTimeOffset? NextRunAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? LastError,
    AbTestResult? AbTest, Dictionary<string, JsonElement> Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CampaignResponse From(Campaign c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var filter = AudienceFilter.From(c.Audience);
        var audience = new CampaignAudienceDto { SegmentIds = c.SegmentIds, UserSegments = filter.UserSegments, UserFilters = filter.UserFilters, Conditions = filter.Conditions };
        return new(c.Id, c.Name, c.Description, c.Type, c.Channels, c.Status, c.SubjectLine, c.SenderName, c.SenderEmail, c.TemplateId, c.Content, c.Category,
            audience, c.Schedule, c.Settings, c.Variants, c.OpenTrackingEnabled, c.ClickTrackingEnabled, c.UnsubscribeEnabled, c.CurrentRun,
            c.TotalRecipients, c.NextRunAt, c.StartedAt, c.CompletedAt, c.LastError, c.AbDecidedRun > 0 ? c.AbTest : null, c.Metadata, c.CreatedAt, c.UpdatedAt);
    }
}

/// <summary>A started campaign and how many contacts its audience reached at start.</summary>
public sealed record StartResponse(CampaignResponse Campaign, int EstimatedReach);

/// <summary>The checks of a campaign request that need more than data annotations; errors keyed by JSON path.</summary>
public static class CampaignRules
{
    public static async Task<Dictionary<string, string[]>?> CheckAsync(CampaignRequest request, HubDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(db);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["A campaign needs a name."];
        }

        if (request.TemplateId is { } templateId && !await db.Templates.AnyAsync(t => t.Id == templateId, cancellationToken))
        {
            errors["template_id"] = [$"Template {templateId} was not found."];
        }

        CheckChannels(request, errors);
        AudienceRules.Check(request.Audience, "audience", errors);
        await AudienceRules.CheckSegmentIdsAsync(db, request.Audience?.SegmentIds, "audience.segment_ids", errors, cancellationToken);
        CheckSchedule(request.Schedule, errors);
        CheckSettings(request.Settings, errors);
        await CheckVariantsAsync(request.Variants, db, errors, cancellationToken);
        return errors.Count == 0 ? null : errors;
    }

    private static void CheckChannels(CampaignRequest request, Dictionary<string, string[]> errors)
    {
        var allowed = string.Join(", ", Hub.Server.Modules.Campaigns.CampaignChannels.Names.Keys);
        if (request.Type != CampaignType.MultiChannel)
        {
            if (request.Channels is { Count: > 0 })
            {
                errors["channels"] = ["channels is for multi_channel campaigns only; this campaign's type is its channel."];
            }

            return;
        }

        if (request.Channels is not { Count: > 0 } channels)
        {
            errors["channels"] = [$"A multi_channel campaign needs channels, in the order to try them: {allowed}."];
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < channels.Count; i++)
        {
            if (channels[i] is not { } name || !Hub.Server.Modules.Campaigns.CampaignChannels.Names.ContainsKey(name))
            {
                errors[$"channels[{i}]"] = [$"'{channels[i]}' is not a channel; use {allowed}."];
            }
            else if (!seen.Add(name))
            {
                errors[$"channels[{i}]"] = [$"'{name}' is listed twice."];
            }
        }
    }

    private static void CheckSchedule(CampaignSchedule? schedule, Dictionary<string, string[]> errors)
    {
        if (schedule is null)
        {
            return;
        }

        if (schedule.Timezone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors["schedule.timezone"] = [$"'{zone}' is not a known IANA time zone."];
        }

        if (schedule.Type == ScheduleType.Scheduled && schedule.ScheduledAt is null)
        {
            errors["schedule.scheduled_at"] = ["A scheduled campaign needs scheduled_at."];
        }

        if (schedule.Type == ScheduleType.Recurring)
        {
            if (schedule.Recurring is not { } recurring)
            {
                errors["schedule.recurring"] = ["A recurring campaign needs recurring: frequency, interval and optionally end_date."];
            }
            else
            {
                if (recurring.Interval is < 1 or > 365)
                {
                    errors["schedule.recurring.interval"] = ["interval must be between 1 and 365."];
                }

                if (recurring.EndDate is { } end && schedule.ScheduledAt is { } start && end < DateOnly.FromDateTime(start.UtcDateTime.AddDays(-1)))
                {
                    errors["schedule.recurring.end_date"] = ["end_date is before the first run."];
                }
            }
        }
    }

    private static void CheckSettings(CampaignSettings? settings, Dictionary<string, string[]> errors)
    {
        if (settings is null)
        {
            return;
        }

        if (settings.BatchSize is < 1 or > 1000)
        {
            errors["settings.batch_size"] = ["batch_size must be between 1 and 1000."];
        }

        if (settings.RateLimit is < 0 or > 10_000)
        {
            errors["settings.rate_limit"] = ["rate_limit (messages per second) must be between 0 (no limit) and 10000."];
        }

        if (settings.MaxRetries is < 0 or > 20)
        {
            errors["settings.max_retries"] = ["max_retries must be between 0 and 20."];
        }

        if (settings.FrequencyCap < 0)
        {
            errors["settings.frequency_cap"] = ["frequency_cap must not be negative."];
        }
        else if (settings.FrequencyCap > 0 && !RuleDuration.TryParse(settings.FrequencyCapWindow, out _))
        {
            errors["settings.frequency_cap_window"] = ["A frequency cap needs a window such as 24h or 7d."];
        }
    }

    private static async Task CheckVariantsAsync(CampaignVariants? variants, HubDbContext db, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (variants is null)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Items.Count; i++)
        {
            var variant = variants.Items[i];
            if (string.IsNullOrWhiteSpace(variant.Name) || variant.Name.Length > 100)
            {
                errors[$"variants.items[{i}].name"] = ["A variant needs a name of at most 100 characters."];
            }
            else if (!names.Add(variant.Name))
            {
                errors[$"variants.items[{i}].name"] = [$"Two variants are named '{variant.Name}'."];
            }

            if (variant.Weight < 0)
            {
                errors[$"variants.items[{i}].weight"] = ["weight must not be negative."];
            }

            if (variant.TemplateId is { } templateId && !await db.Templates.AnyAsync(t => t.Id == templateId, cancellationToken))
            {
                errors[$"variants.items[{i}].template_id"] = [$"Template {templateId} was not found."];
            }
        }

        if (variants.TestPercent is < 1 or > 99)
        {
            errors["variants.test_percent"] = ["test_percent must be between 1 and 99."];
        }

        if (variants.Wait is { } wait && !RuleDuration.TryParse(wait, out _))
        {
            errors["variants.wait"] = [$"'{wait}' is not a duration such as 30m, 4h or 1d."];
        }
    }
}
