using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Realtime;

/// <summary>Real-time settings. Bound from the <c>Realtime</c> section.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>A typing indicator with no refresh for this long is turned off by the server.</summary>
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Repeated <c>typing.start</c> within this window is not re-broadcast.</summary>
    public TimeSpan TypingDebounce { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node that stops refreshing its connections' presence loses them after this long.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node refreshes its connections' presence and sweeps expired ones.</summary>
    public TimeSpan PresenceHeartbeat { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>message.send</c> per connection: sustained per second, and burst.</summary>
    [Range(1, 10_000)]
    public int MessagesPerSecond { get; set; } = 10;

    [Range(1, 10_000)]
    public int MessageBurst { get; set; } = 20;

    /// <summary>Other client calls (typing, presence, receipts…) per connection: sustained per second, and burst.</summary>
    [Range(1, 10_000)]
    public int SignalsPerSecond { get; set; } = 20;

    [Range(1, 10_000)]
    public int SignalBurst { get; set; } = 40;

    /// <summary>Largest message text accepted, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxContentLength { get; set; } = 32 * 1024;

    /// <summary>Most events one <c>stream.resume</c> replays; further behind, the client is told to resync.</summary>
    [Range(1, 100_000)]
    public int MaxReplay { get; set; } = 1000;
}
