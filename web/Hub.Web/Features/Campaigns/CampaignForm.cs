using System.Text.Json;
using Hub.Core.Campaigns;

namespace Hub.Web.Features.Campaigns;

/// <summary>One A/B variant as the editor edits it.</summary>
public sealed class VariantForm
{
    public string Name { get; set; } = "";

    public Guid? TemplateId { get; set; }

    public string? Subject { get; set; }

    public int Weight { get; set; } = 1;
}

/// <summary>
/// The campaign editor's state: what the marketer edits, turned into the API's request. Parts the editor does not show
/// (inline audience filters, content, category, metadata) are carried over unchanged from the loaded campaign.
/// </summary>
public sealed class CampaignForm
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public CampaignType Type { get; set; } = CampaignType.Email;

    /// <summary>A multi-channel campaign's channels (push, email, sms, whatsapp), in the order they are tried for each contact.</summary>
    public List<string> Channels { get; } = [];

    public string? SenderName { get; set; }

    public string? SenderEmail { get; set; }

    public string? SubjectLine { get; set; }

    public Guid? TemplateId { get; set; }

    public IReadOnlyCollection<Guid> SegmentIds { get; set; } = [];

    public ScheduleType ScheduleType { get; set; } = ScheduleType.Immediate;

    /// <summary>The day of the (first) run, in <see cref="Timezone"/>.</summary>
    public DateTime? Date { get; set; }

    /// <summary>The time of day of the (first) run, in <see cref="Timezone"/>.</summary>
    public TimeSpan? Time { get; set; } = new TimeSpan(9, 0, 0);

    public string Timezone { get; set; } = "UTC";

    public RecurringFrequency Frequency { get; set; } = RecurringFrequency.Weekly;

    public int Interval { get; set; } = 1;

    public DateTime? EndDate { get; set; }

    public List<VariantForm> Variants { get; } = [];

    /// <summary>Test on a cohort first, then send the winner to the rest.</summary>
    public bool UseTestCohort { get; set; }

    public int TestPercent { get; set; } = 20;

    public WinnerMetric Metric { get; set; } = WinnerMetric.OpenRate;

    public string? Wait { get; set; } = "4h";

    public int BatchSize { get; set; } = 100;

    public int RateLimit { get; set; }

    public int MaxRetries { get; set; } = 3;

    public bool RespectQuietHours { get; set; } = true;

    public int FrequencyCap { get; set; }

    public string? FrequencyCapWindow { get; set; }

    public bool OpenTracking { get; set; } = true;

    public bool ClickTracking { get; set; } = true;

    public bool Unsubscribe { get; set; } = true;

    private CampaignDto? Loaded { get; set; }

    /// <summary>The form of a stored campaign.</summary>
    public static CampaignForm From(CampaignDto campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var schedule = campaign.Schedule ?? new CampaignSchedule();
        var settings = campaign.Settings ?? new CampaignSettings();
        var variants = campaign.Variants ?? new CampaignVariants();
        var form = new CampaignForm
        {
            Loaded = campaign,
            Name = campaign.Name,
            Description = campaign.Description,
            Type = campaign.Type,
            SenderName = campaign.SenderName,
            SenderEmail = campaign.SenderEmail,
            SubjectLine = campaign.SubjectLine,
            TemplateId = campaign.TemplateId,
            SegmentIds = campaign.Audience?.SegmentIds ?? [],
            ScheduleType = schedule.Type,
            Timezone = schedule.Timezone ?? "UTC",
            UseTestCohort = variants.TestPercent is not null,
            TestPercent = variants.TestPercent ?? 20,
            Metric = variants.Metric,
            Wait = variants.Wait ?? "4h",
            BatchSize = settings.BatchSize,
            RateLimit = settings.RateLimit,
            MaxRetries = settings.MaxRetries,
            RespectQuietHours = settings.RespectQuietHours,
            FrequencyCap = settings.FrequencyCap,
            FrequencyCapWindow = settings.FrequencyCapWindow,
            OpenTracking = campaign.OpenTrackingEnabled,
            ClickTracking = campaign.ClickTrackingEnabled,
            Unsubscribe = campaign.UnsubscribeEnabled,
        };
        if (schedule.ScheduledAt is { } at)
        {
            var local = TimeZoneInfo.TryFindSystemTimeZoneById(form.Timezone, out var zone) ? TimeZoneInfo.ConvertTime(at, zone) : at;
            form.Date = local.Date;
            form.Time = local.TimeOfDay;
        }

        if (schedule.Recurring is { } recurring)
        {
            form.Frequency = recurring.Frequency;
            form.Interval = recurring.Interval;
            form.EndDate = recurring.EndDate?.ToDateTime(TimeOnly.MinValue);
        }

        form.Channels.AddRange(campaign.Channels ?? []);
        form.Variants.AddRange(variants.Items.Select(v => new VariantForm { Name = v.Name, TemplateId = v.TemplateId, Subject = v.Subject, Weight = v.Weight }));
        return form;
    }

    /// <summary>The moment of the (first) run: the wall-clock date and time in the chosen zone; null when not given.</summary>
    public DateTimeOffset? ScheduledAt()
    {
        if (ScheduleType == ScheduleType.Immediate || Date is not { } date)
        {
            return null;
        }

        var wall = DateTime.SpecifyKind(date.Date + (Time ?? TimeSpan.Zero), DateTimeKind.Unspecified);
        var offset = TimeZoneInfo.TryFindSystemTimeZoneById(Timezone, out var zone) ? zone.GetUtcOffset(wall) : TimeSpan.Zero;
        return new DateTimeOffset(wall, offset);
    }

    /// <summary>The API request of this form.</summary>
    public CampaignRequestBody ToRequest()
    {
        var audience = (Loaded?.Audience ?? new CampaignAudience()) with { SegmentIds = [.. SegmentIds] };
        var schedule = new CampaignSchedule
        {
            Type = ScheduleType,
            ScheduledAt = ScheduledAt(),
            Timezone = ScheduleType == ScheduleType.Immediate ? null : Timezone,
            Recurring = ScheduleType == ScheduleType.Recurring
                ? new RecurringSchedule { Frequency = Frequency, Interval = Interval, EndDate = EndDate is { } end ? DateOnly.FromDateTime(end) : null }
                : null,
        };
        var settings = new CampaignSettings
        {
            BatchSize = BatchSize,
            RateLimit = RateLimit,
            MaxRetries = MaxRetries,
            RespectQuietHours = RespectQuietHours,
            FrequencyCap = FrequencyCap,
            FrequencyCapWindow = string.IsNullOrWhiteSpace(FrequencyCapWindow) ? null : FrequencyCapWindow.Trim(),
        };
        var variants = new CampaignVariants
        {
            Items = [.. Variants.Select(v => new CampaignVariant { Name = v.Name, TemplateId = v.TemplateId, Subject = string.IsNullOrWhiteSpace(v.Subject) ? null : v.Subject, Weight = v.Weight })],
            TestPercent = Variants.Count > 1 && UseTestCohort ? TestPercent : null,
            Wait = Variants.Count > 1 && UseTestCohort && !string.IsNullOrWhiteSpace(Wait) ? Wait.Trim() : null,
            Metric = Metric,
        };
        return new CampaignRequestBody(
            Name, Blank(Description), Type, Type == CampaignType.MultiChannel ? [.. Channels] : null, Blank(SubjectLine), Blank(SenderName), Blank(SenderEmail), TemplateId, Loaded?.Content, Loaded?.Category,
            audience, schedule, settings, variants, OpenTracking, ClickTracking, Unsubscribe, Loaded?.Metadata ?? new Dictionary<string, JsonElement>());
    }

    /// <summary>Adds <paramref name="channel"/> at the end of the order, or takes it out.</summary>
    public void ToggleChannel(string channel, bool on)
    {
        Channels.Remove(channel);
        if (on)
        {
            Channels.Add(channel);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
