using System.Collections.Concurrent;
using Hub.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Web.Tests.Infrastructure;

/// <summary>An <see cref="AgentConnection"/> that never connects: tests raise hub events on it with <see cref="RaiseAsync{T}"/>.</summary>
public sealed class FakeAgentConnection(HubApi api, IApiTokenSource tokens) : AgentConnection(api, tokens, NullLogger<AgentConnection>.Instance)
{
    private readonly ConcurrentDictionary<string, List<Func<object, Task>>> _handlers = new(StringComparer.Ordinal);

    /// <summary>The event names pages subscribed to.</summary>
    public IReadOnlyCollection<string> Subscribed => _handlers.Keys.ToList();

    public override Task<IDisposable> OnAsync<T>(string eventName, Func<T, Task> handler, CancellationToken cancellationToken = default)
    {
        Func<object, Task> boxed = o => handler((T)o);
        var list = _handlers.GetOrAdd(eventName, _ => []);
        lock (list)
        {
            list.Add(boxed);
        }

        return Task.FromResult<IDisposable>(new Unsubscribe(() =>
        {
            lock (list)
            {
                list.Remove(boxed);
            }
        }));
    }

    /// <summary>Delivers <paramref name="payload"/> to the page's handlers of <paramref name="eventName"/>, as the hub would.</summary>
    public async Task RaiseAsync<T>(string eventName, T payload)
        where T : notnull
    {
        if (!_handlers.TryGetValue(eventName, out var list))
        {
            throw new InvalidOperationException($"Nothing subscribed to {eventName}.");
        }

        Func<object, Task>[] handlers;
        lock (list)
        {
            handlers = [.. list];
        }

        foreach (var handler in handlers)
        {
            await handler(payload);
        }
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
