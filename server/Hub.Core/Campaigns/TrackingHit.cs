using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>
/// One request to a tracking link of an outbound email: the open pixel, a click redirect or the unsubscribe
/// link. Every hit is kept (time, IP, user agent) with what Hub made of it, so raw and human counts both exist.
/// </summary>
public sealed class TrackingHit : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>The campaign that sent the message (its metadata's <c>campaign_id</c>), if any.</summary>
    public Guid? CampaignId { get; set; }

    /// <summary>The recipient: the contact of the message's conversation.</summary>
    public Guid? ContactId { get; set; }

    public TrackingHitKind Kind { get; set; }

    /// <summary>The link's destination (clicks only).</summary>
    public string? Url { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public HitClassification Classification { get; set; }

    /// <summary>Why the hit was classified so, as a short code (<c>apple_mpp</c>, <c>scanner_agent</c>, <c>hidden_link</c>…).</summary>
    public string? Reason { get; set; }

    public DateTimeOffset OccurredAt { get; set; }
}

/// <summary>Which tracking link was hit.</summary>
public enum TrackingHitKind
{
    Open,
    Click,
    Unsubscribe,
}

/// <summary>Who is behind a hit, as far as Hub can tell.</summary>
public enum HitClassification
{
    /// <summary>A person opened or clicked.</summary>
    Human,

    /// <summary>A mailbox provider's proxy fetched the pixel for the reader (Apple Mail Privacy Protection, Gmail/Yahoo image proxies).</summary>
    Machine,

    /// <summary>A security scanner or bot followed the link before (or instead of) the reader.</summary>
    Scanner,
}
