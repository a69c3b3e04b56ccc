using Hub.Core.Realtime;
using Hub.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Web.Tests.Infrastructure;

/// <summary>
/// The circuit's hub connection without a hub (it never connects): tests raise hub events into the page with
/// <see cref="RaiseAsync{T}"/> and see which hub methods it invoked.
/// </summary>
public sealed class FakeAgentConnection() : AgentConnection(null!, null!, NullLogger<AgentConnection>.Instance)
{
    private readonly List<(string Event, Delegate Handler)> _handlers = [];

    /// <summary>Every hub method the page invoked, with its argument.</summary>
    public List<(string Method, object? Argument)> Invoked { get; } = [];

    /// <summary>What invoking a hub method answers (by method name); <c>conversation.view</c> answers nobody else.</summary>
    public Dictionary<string, object?> Answers { get; } = new() { [RealtimeEventNames.ConversationView] = Array.Empty<Viewer>() };

    /// <summary>The event names the page listens to.</summary>
    public IReadOnlyCollection<string> Subscribed
    {
        get
        {
            lock (_handlers)
            {
                return _handlers.Select(h => h.Event).Distinct().ToList();
            }
        }
    }

    /// <summary>How many handlers listen to <paramref name="eventName"/>.</summary>
    public int Listeners(string eventName)
    {
        lock (_handlers)
        {
            return _handlers.Count(h => h.Event == eventName);
        }
    }

    public override Task<IDisposable> OnAsync<T>(string eventName, Func<T, Task> handler, CancellationToken cancellationToken = default)
    {
        var entry = (eventName, (Delegate)handler);
        lock (_handlers)
        {
            _handlers.Add(entry);
        }

        return Task.FromResult<IDisposable>(new Unsubscribe(() =>
        {
            lock (_handlers)
            {
                _handlers.Remove(entry);
            }
        }));
    }

    public override Task<TResult> InvokeAsync<TResult>(string method, object? argument, CancellationToken cancellationToken = default)
    {
        lock (Invoked)
        {
            Invoked.Add((method, argument));
        }

        return Task.FromResult(Answers.TryGetValue(method, out var answer) ? (TResult)answer! : default!);
    }

    public override Task SendAsync(string method, object? argument, CancellationToken cancellationToken = default)
    {
        lock (Invoked)
        {
            Invoked.Add((method, argument));
        }

        return Task.CompletedTask;
    }

    /// <summary>Delivers an event to every handler subscribed to it, as the hub would; an event nobody listens to is a test error.</summary>
    public async Task RaiseAsync<T>(string eventName, T payload)
    {
        List<Func<T, Task>> handlers;
        lock (_handlers)
        {
            handlers = _handlers.Where(h => h.Event == eventName).Select(h => (Func<T, Task>)h.Handler).ToList();
        }

        if (handlers.Count == 0)
        {
            throw new InvalidOperationException($"Nothing subscribed to {eventName}.");
        }

        foreach (var handler in handlers)
        {
            await handler(payload);
        }
    }

    /// <summary>As after a dropped connection came back: what the real client's <c>Reconnected</c> does.</summary>
    public Task SimulateReconnectAsync() => OnReconnectedAsync();

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
