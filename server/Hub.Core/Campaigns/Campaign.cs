using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>
/// A marketing send: a template (or A/B variants), an audience, a schedule and sending settings. Who got what
/// lives in the per-recipient ledger (<see cref="CampaignRecipient"/>), never in counters alone.
/// </summary>
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

    /// <summary>
    /// Multi-channel campaigns: the channels to try in order (<c>push</c>, <c>email</c>, <c>sms</c>, <c>whatsapp</c>);
    /// each recipient gets exactly one message, on the first channel they are reachable on and allow.
    /// </summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>Inline body used when there is no template (Liquid, like a template's HTML).</summary>
    public string? Content { get; set; }

    /// <summary>Saved segments whose contacts (united) make the audience.</summary>
    public List<Guid> SegmentIds { get; set; } = [];

    /// <summary>The audience beyond saved segments: an inline filter (named segments, languages, dates, conditions).</summary>
    public SegmentFilter Audience { get; set; } = new();

    /// <summary>The preference category the messages belong to (<c>marketing</c> unless said otherwise).</summary>
    public string Category { get; set; } = Notifications.PreferencePolicy.Marketing;

    public CampaignSettings Settings { get; set; } = new();

    /// <summary>When to send: immediately, at a time in a zone, or recurring.</summary>
    public CampaignSchedule Schedule { get; set; } = new();

    /// <summary>A/B variants; empty means a single send of the campaign's template.</summary>
    public CampaignVariants Variants { get; set; } = new();

    /// <summary>The run whose A/B winner is decided (0: none yet); the condition that makes the decision happen once.</summary>
    public int AbDecidedRun { get; set; }

    /// <summary>The A/B decision of <see cref="AbDecidedRun"/>: winner, time, per-variant rates.</summary>
    public AbTestResult AbTest { get; set; } = new();

    public bool OpenTrackingEnabled { get; set; } = true;

    public bool ClickTrackingEnabled { get; set; } = true;

    public bool UnsubscribeEnabled { get; set; } = true;

    /// <summary>The run being sent (1 for a one-off campaign; recurring campaigns count up).</summary>
    public int CurrentRun { get; set; }

    /// <summary>When the next (recurring or scheduled) run starts; null when none is due.</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    /// <summary>When the current run's audience was fully written into the ledger; null while it is being expanded.</summary>
    public DateTimeOffset? ExpandedAt { get; set; }

    /// <summary>Recipients written into the ledger for the current run (sent, skipped or waiting).</summary>
    public int TotalRecipients { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Why the campaign failed, when it did.</summary>
    public string? LastError { get; set; }

    public Guid? CreatedBy { get; set; }

    public Dictionary<string, JsonElement> Metadata { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether anyone is targeted at all (a campaign with neither is refused at start, never sent to everyone).</summary>
    public bool HasAudience => SegmentIds.Count > 0 || Audience.HasAnyPart();

    /// <summary>Whether the audience, template and variants may still change (not while messages are going out).</summary>
    public bool IsContentLocked => Status is CampaignStatus.Running or CampaignStatus.Paused;
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
