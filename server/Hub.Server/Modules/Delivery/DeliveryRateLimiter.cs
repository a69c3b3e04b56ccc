using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// Per-channel sending rates (a Twilio long code sends 1 msg/s, an SMTP relay N/s), honoured across every
/// node when Redis is configured: one-second windows counted with INCR.
/// </summary>
public interface IDeliveryRateLimiter
{
    /// <summary>
    /// Waits until one more message may go out under <paramref name="key"/> at <paramref name="perSecond"/>;
    /// returns the one-second window (Unix seconds) the permit was counted in.
    /// </summary>
    Task<long> WaitAsync(string key, int perSecond, CancellationToken cancellationToken);
}

/// <summary>Windows counted in this process: enough for a single node.</summary>
public sealed class InMemoryDeliveryRateLimiter(TimeProvider clock) : IDeliveryRateLimiter
{
    private readonly ConcurrentDictionary<string, (long Window, int Count)> _windows = new();

    public async Task<long> WaitAsync(string key, int perSecond, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var window = now / 1000;
            var entry = _windows.AddOrUpdate(key, _ => (window, 1), (_, old) => old.Window == window ? (window, old.Count + 1) : (window, 1));
            if (entry.Count <= perSecond)
            {
                return window;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1000 - (now % 1000) + 1), clock, cancellationToken);
        }
    }
}

/// <summary>Windows counted in Redis, so the limit holds for all nodes together.</summary>
public sealed class RedisDeliveryRateLimiter(IConnectionMultiplexer redis, TimeProvider clock) : IDeliveryRateLimiter
{
    public async Task<long> WaitAsync(string key, int perSecond, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        while (true)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var window = now / 1000;
            var windowKey = $"hub:rate:{key}:{window}";
            var count = await db.StringIncrementAsync(windowKey);
            if (count == 1)
            {
                await db.KeyExpireAsync(windowKey, TimeSpan.FromSeconds(5));
            }

            if (count <= perSecond)
            {
                return window;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1000 - (now % 1000) + 1), clock, cancellationToken);
        }
    }
}
