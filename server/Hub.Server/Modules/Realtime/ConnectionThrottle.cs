using System.Threading.RateLimiting;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Per-connection token buckets: one for <c>message.send</c>, one for every other call. A flooding
/// client is told it is throttled (a hub error it can read) and stays connected.
/// </summary>
public sealed class ConnectionThrottle : IDisposable
{
    private readonly TokenBucketRateLimiter _messages;
    private readonly TokenBucketRateLimiter _signals;

    public ConnectionThrottle(RealtimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _messages = Bucket(options.MessagesPerSecond, options.MessageBurst);
        _signals = Bucket(options.SignalsPerSecond, options.SignalBurst);
    }

    /// <summary>Takes one token for <paramref name="method"/>; false when the connection is over its rate.</summary>
    public bool TryTake(string method)
    {
        using var lease = (method == Core.Realtime.RealtimeEventNames.MessageSend ? _messages : _signals).AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _messages.Dispose();
        _signals.Dispose();
    }

    private static TokenBucketRateLimiter Bucket(int perSecond, int burst) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
