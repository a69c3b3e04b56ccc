using Hub.Core.Realtime;
using Hub.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Web.Tests.Inbox;

/// <summary>The circuit's hub connection without a hub: tests raise events into the page and see what it invoked.</summary>
public sealed class FakeAgentConnection() : AgentConnection(null!, null!, NullLogger<AgentConnection>.Instance)
{
    private readonly List<(string Event, Delegate Handler)> _handlers = [];

    /// <summary>Every hub method the page invoked, with its argument.</summary>
    public List<(string Method, object? Argument)> Invoked { get; } = [];

    /// <summary>What invoking a hub method answers (by method name); <c>conversation.view</c> answers nobody else.</summary>
    public Dictionary<string, object> Answers { get; } = new() { [RealtimeEventNames.ConversationView] = Array.Empty<Viewer>() };

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

        return Task.FromResult(Answers.TryGetValue(method, out var answer) ? (TResult)answer : default!);
    }

    public override Task SendAsync(string method, object? argument, CancellationToken cancellationToken = default)
    {
        lock (Invoked)
        {
            Invoked.Add((method, argument));
        }

        return Task.CompletedTask;
    }

    /// <summary>Delivers an event to every handler subscribed to it, as the hub would.</summary>
    public async Task RaiseAsync<T>(string eventName, T payload)
    {
        List<Func<T, Task>> handlers;
        lock (_handlers)
        {
            handlers = _handlers.Where(h => h.Event == eventName).Select(h => (Func<T, Task>)h.Handler).ToList();
        }

        Assert.NotEmpty(handlers);
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
