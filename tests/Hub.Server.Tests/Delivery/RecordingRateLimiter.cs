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

    public ConcurrentQueue<long> Windows { get; } = new();

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
        var window = await _inner!.WaitAsync(key, perSecond, cancellationToken);
        Windows.Enqueue(window);
        return window;
    }
}
