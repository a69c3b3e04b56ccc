using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>Email open, click and unsubscribe tracking. Bound from the <c>Tracking</c> section.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>
    /// Base64 key (at least 32 bytes) that signs tracking links. When empty, Hub generates one and keeps it in
    /// <see cref="SigningKeyPath"/>; set it explicitly when several nodes run side by side, or links signed by one
    /// node fail on another.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Where a generated signing key is kept (relative to the content root).</summary>
    [Required]
    public string SigningKeyPath { get; set; } = "App_Data/tracking-signing.key";

    /// <summary>Hub's public URL as mail readers reach it (links and the pixel point there), e.g. <c>https://hub.example.com</c>.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>A click this soon after the message was sent is a security scanner, not the reader.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ScannerWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The hit writer stores what is queued at least this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The hit writer stores at once when this many hits are queued.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Hits held in memory at most; beyond it new hits are dropped (and logged) rather than slowing the pixel.</summary>
    [Range(100, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Tracking requests (pixel, clicks, unsubscribe) allowed per client IP per minute.</summary>
    [Range(1, 10_000_000)]
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>The <c>mailto:</c> address offered in <c>List-Unsubscribe</c> beside the one-click URL (optional).</summary>
    [EmailAddress]
    public string? UnsubscribeMailto { get; set; }
}
