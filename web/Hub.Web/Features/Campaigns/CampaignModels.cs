using System.Text.Json;
using Hub.Core.Campaigns;

namespace Hub.Web.Features.Campaigns;

/// <summary>
/// A campaign's audience as the API writes it: saved segments plus an inline filter. The filter parts the editor does
/// not edit (user filters, conditions) are kept as they came, so saving the form never drops them.
/// </summary>
public sealed record CampaignAudience
{
    public List<Guid>? SegmentIds { get; init; }

    public List<string>? UserSegments { get; init; }

    public JsonElement? UserFilters { get; init; }

    public JsonElement? Conditions { get; init; }
}

/// <summary>A campaign as <c>GET /api/v1/campaigns</c> and <c>/{id}</c> show it (members the dashboard does not use are ignored).</summary>
public sealed record CampaignDto(
    Guid Id, string Name, string? Description, CampaignType Type, List<string>? Channels, CampaignStatus Status, string? SubjectLine, string? SenderName,
    string? SenderEmail, Guid? TemplateId, string? Content, string? Category, CampaignAudience? Audience, CampaignSchedule? Schedule,
    CampaignSettings? Settings, CampaignVariants? Variants, bool OpenTrackingEnabled, bool ClickTrackingEnabled, bool UnsubscribeEnabled,
    int CurrentRun, int TotalRecipients, DateTimeOffset? NextRunAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? LastError,
    Dictionary<string, JsonElement>? Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>POST /api/v1/campaigns</c> and <c>PUT /{id}</c> (exactly the members the API accepts).</summary>
public sealed record CampaignRequestBody(
    string Name, string? Description, CampaignType Type, List<string>? Channels, string? SubjectLine, string? SenderName, string? SenderEmail, Guid? TemplateId,
    string? Content, string? Category, CampaignAudience Audience, CampaignSchedule Schedule, CampaignSettings Settings, CampaignVariants Variants,
    bool OpenTrackingEnabled, bool ClickTrackingEnabled, bool UnsubscribeEnabled, Dictionary<string, JsonElement>? Metadata);

/// <summary><c>POST /{id}/start</c>: the started campaign and its reach.</summary>
public sealed record CampaignStartResult(CampaignDto Campaign, int EstimatedReach);

/// <summary>A saved segment (<c>GET /api/v1/segments</c>).</summary>
public sealed record SegmentSummary(Guid Id, string Name, string? Description);

/// <summary><c>POST /api/v1/segments/estimate</c>'s answer.</summary>
public sealed record ReachEstimate(int EstimatedReach);

/// <summary>A template as <c>GET /api/v1/templates</c> lists it.</summary>
public sealed record TemplateSummary(Guid Id, string Name, string? Description, string Subject, string? Category, bool IsActive);

/// <summary><c>POST /api/v1/templates/{id}/preview</c>'s answer: the template rendered for one contact.</summary>
public sealed record RenderedPreview(string Subject, string Html, string Text);

/// <summary>Tracking numbers: all hits, those people made, unique people, mail-proxy machines, link scanners.</summary>
public sealed record TrackingCounts(int Raw, int Human, int UniqueHuman, int Machine, int Scanner)
{
    public static TrackingCounts Zero { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>Ledger counts of a run (or a variant).</summary>
public sealed record LedgerCounts(int Pending, int Queued, int Sent, int Failed, int Skipped, int Deferred);

/// <summary>One A/B variant's numbers.</summary>
public sealed record VariantStatsDto(
    string Name, LedgerCounts States, TrackingCounts Opens, TrackingCounts Clicks, int Unsubscribes, double OpenRate, double ClickRate, bool Winner);

/// <summary>The run's progress: sent, failed, targets, sent / (sent + failed).</summary>
public sealed record CampaignProgressDto(int Sent, int Failed, int TotalTargets, double SuccessRate);

/// <summary><c>GET /api/v1/campaigns/{id}/stats</c>.</summary>
public sealed record CampaignStatsDto(
    Guid CampaignId, CampaignStatus Status, int Run, int Total, LedgerCounts States, Dictionary<string, int>? SkipReasons,
    List<VariantStatsDto>? Variants, CampaignProgressDto Progress, TrackingCounts Opens, TrackingCounts Clicks, int Unsubscribes,
    DateTimeOffset? AbDecisionDueAt, DateTimeOffset UpdatedAt);

/// <summary>How the dashboard names and colours campaign types and statuses.</summary>
public static class CampaignLabels
{
    public static string Of(CampaignType type) => type switch
    {
        CampaignType.Email => "Email",
        CampaignType.Sms => "SMS",
        CampaignType.WhatsApp => "WhatsApp",
        CampaignType.Push => "Push",
        CampaignType.MultiChannel => "Multi-channel",
        _ => type.ToString(),
    };

    public static string Of(CampaignStatus status) => status.ToString();

    /// <summary>The API's snake_case word for an enum value (query strings).</summary>
    public static string Wire<T>(T value)
        where T : struct, Enum => JsonSerializer.Serialize(value, Services.ApiJson.Options).Trim('"');

    public static MudBlazor.Color ColorOf(CampaignStatus status) => status switch
    {
        CampaignStatus.Running => MudBlazor.Color.Info,
        CampaignStatus.Scheduled => MudBlazor.Color.Secondary,
        CampaignStatus.Paused => MudBlazor.Color.Warning,
        CampaignStatus.Completed => MudBlazor.Color.Success,
        CampaignStatus.Failed => MudBlazor.Color.Error,
        CampaignStatus.Cancelled => MudBlazor.Color.Dark,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>The status word of <c>campaign.status</c> (pending, running, …) as a campaign status; null for words it does not know.</summary>
    public static CampaignStatus? FromLiveWord(string? word) => word switch
    {
        "running" => CampaignStatus.Running,
        "paused" => CampaignStatus.Paused,
        "completed" => CampaignStatus.Completed,
        "cancelled" => CampaignStatus.Cancelled,
        "failed" => CampaignStatus.Failed,
        _ => null,
    };
}
