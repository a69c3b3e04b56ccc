using System.Collections.Concurrent;
using Hub.Server.Modules.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Delivery;

/// <summary>
/// Wraps the host's real rate limiter (in-memory, or Redis on the PostgreSQL pass) and records the window of
/// every permit it grants, so a test checks the limit itself rather than when a loaded machine got to send.
/// </summary>
public sealed class RecordingRateLimiter : IDeliveryRateLimiter
{
    private IDeliveryRateLimiter? _inner;

    private readonly SemaphoreSlim _changed = new(0);
    private int _waiting;

    public ConcurrentQueue<long> Windows { get; } = new();

    /// <summary>How many callers are inside the limiter now, waiting for a permit or about to get one.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Completes when a caller enters or leaves the limiter, or after <paramref name="atMost"/>.</summary>
    public Task WaitChangedAsync(TimeSpan atMost) => _changed.WaitAsync(atMost);

    /// <summary>Replaces the registered limiter with this recorder around it.</summary>
    public void Wrap(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IDeliveryRateLimiter));
        services.Remove(registered);
        services.AddSingleton<IDeliveryRateLimiter>(sp =>
        {
            _inner = registered.ImplementationInstance as IDeliveryRateLimiter
                ?? (IDeliveryRateLimiter)(registered.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));
            return this;
        });
    }

    public async Task<long> WaitAsync(string key, int perSecond, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        _changed.Release();
        try
        {
            var window = await _inner!.WaitAsync(key, perSecond, cancellationToken);
            Windows.Enqueue(window);
            return window;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            _changed.Release();
        }
    }
}
