using System.Threading.RateLimiting;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Per-connection token buckets: one for <c>message.send</c>, one for every other call. A flooding
/// client is told it is throttled (a hub error it can read) and stays connected. The buckets refill on Hub's clock
/// (the limiter's own timer would run on the machine's), once a second.
/// </summary>
public sealed class ConnectionThrottle : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly TokenBucketRateLimiter _messages;
    private readonly TokenBucketRateLimiter _signals;
    private readonly ITimer _refill;

    public ConnectionThrottle(RealtimeOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _messages = Bucket(options.MessagesPerSecond, options.MessageBurst);
        _signals = Bucket(options.SignalsPerSecond, options.SignalBurst);
        _refill = clock.CreateTimer(_ => Refill(), null, Period, Period);
    }

    /// <summary>Takes one token for <paramref name="method"/>; false when the connection is over its rate.</summary>
    public bool TryTake(string method)
    {
        using var lease = (method == Core.Realtime.RealtimeEventNames.MessageSend ? _messages : _signals).AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _refill.Dispose();
        _messages.Dispose();
        _signals.Dispose();
    }

    private void Refill()
    {
        _messages.TryReplenish();
        _signals.TryReplenish();
    }

    private static TokenBucketRateLimiter Bucket(int perSecond, int burst) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = Period,
        QueueLimit = 0,
        AutoReplenishment = false,
    });
}
