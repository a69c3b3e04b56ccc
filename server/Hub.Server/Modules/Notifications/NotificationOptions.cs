using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Notifications;

/// <summary>Push notifications and preferences (<c>Notifications</c> section).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Categories that go through quiet hours and opt-outs (never <c>marketing</c>). Default: security.</summary>
    public List<string> CriticalCategories { get; set; } = ["security"];

    /// <summary>How long a push may go unacknowledged before it is sent by the user's next enabled channel; 0 turns fallback off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan PushFallbackAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The channels a push falls back to, in order.</summary>
    public List<string> FallbackChannels { get; set; } = ["email", "sms"];

    /// <summary>How often the fallback and deferred-push sweep runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether this node runs the sweep (releases held-back pushes, sends fallbacks). Every node may: claims keep it once-only.</summary>
    public bool RunSweeper { get; set; } = true;

    /// <summary>How many held-back pushes, and how many due fallbacks, one sweep takes at most.</summary>
    [Range(1, 10_000)]
    public int SweepBatchSize { get; set; } = 200;

    public bool IsCritical(string category) =>
        !string.Equals(category, Core.Notifications.PreferencePolicy.Marketing, StringComparison.OrdinalIgnoreCase)
        && CriticalCategories.Contains(category, StringComparer.OrdinalIgnoreCase);
}
