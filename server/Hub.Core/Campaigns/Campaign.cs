using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>A marketing send: a template, an audience and a schedule.</summary>
public sealed class Campaign : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public CampaignType Type { get; set; }

    public CampaignStatus Status { get; set; } = CampaignStatus.Draft;

    public string? SubjectLine { get; set; }

    public string? SenderName { get; set; }

    public string? SenderEmail { get; set; }

    public Guid? TemplateId { get; set; }

    public string? Content { get; set; }

    public List<Guid> SegmentIds { get; set; } = [];

    public bool OpenTrackingEnabled { get; set; } = true;

    public bool ClickTrackingEnabled { get; set; } = true;

    public bool UnsubscribeEnabled { get; set; } = true;

    public DateTimeOffset? ScheduledAt { get; set; }

    /// <summary>IANA zone the schedule is expressed in.</summary>
    public string? ScheduleTimeZone { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public Dictionary<string, JsonElement> Metadata { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What a campaign sends on.</summary>
public enum CampaignType
{
    Email,
    Sms,
    WhatsApp,
    Push,
    MultiChannel,
}

/// <summary>The life of a campaign.</summary>
public enum CampaignStatus
{
    Draft,
    Scheduled,
    Running,
    Paused,
    Completed,
    Cancelled,
    Failed,
}
