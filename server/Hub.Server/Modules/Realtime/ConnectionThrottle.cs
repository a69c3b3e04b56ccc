namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Per-connection token buckets: one for <c>message.send</c>, one for every other call. A flooding
/// client is told it is throttled (a hub error it can read) and stays connected. The buckets refill on Hub's
/// clock: System.Threading.RateLimiting's token bucket measures its period on the machine's clock even when
/// replenished by hand, so a test clock could never bring its tokens back.
/// </summary>
public sealed class ConnectionThrottle(RealtimeOptions options, TimeProvider clock)
{
    private readonly Bucket _messages = new(options.MessagesPerSecond, options.MessageBurst, clock);
    private readonly Bucket _signals = new(options.SignalsPerSecond, options.SignalBurst, clock);

    /// <summary>Takes one token for <paramref name="method"/>; false when the connection is over its rate.</summary>
    public bool TryTake(string method) =>
        (method == Core.Realtime.RealtimeEventNames.MessageSend ? _messages : _signals).TryTake();

    /// <summary>
    /// Holds up to <c>burst</c> tokens and gets <c>perSecond</c> back at the end of each whole second since the last
    /// refill (as the limiter it replaces did), counted when a call comes: no timer per connection.
    /// </summary>
    private sealed class Bucket(int perSecond, int burst, TimeProvider clock)
    {
        private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

        private readonly long _period = (long)(Period.TotalSeconds * clock.TimestampFrequency);
        private readonly Lock _lock = new();
        private long _tokens = burst;
        private long _refilledAt = clock.GetTimestamp();

        public bool TryTake()
        {
            lock (_lock)
            {
                var periods = (clock.GetTimestamp() - _refilledAt) / _period;
                if (periods > 0)
                {
                    _tokens = Math.Min(burst, _tokens + (periods * perSecond));
                    // Whole periods only, so a call every 0.9 s still waits for the next full second's tokens.
                    _refilledAt += periods * _period;
                }

                if (_tokens == 0)
                {
                    return false;
                }

                _tokens--;
                return true;
            }
        }
    }
}
