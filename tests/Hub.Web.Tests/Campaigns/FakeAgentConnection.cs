using Hub.Web.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hub.Web.Tests.Campaigns;

/// <summary>An <see cref="AgentConnection"/> that never connects: the test raises hub events and sees what was invoked.</summary>
public sealed class FakeAgentConnection(HubApi api, IApiTokenSource tokens) : AgentConnection(api, tokens, NullLogger<AgentConnection>.Instance)
{
    private readonly Dictionary<string, List<Func<object, Task>>> _handlers = [];

    /// <summary>Hub methods invoked, with their argument.</summary>
    public List<(string Method, object? Argument)> Invoked { get; } = [];

    /// <summary>What an invoked method answers (by method name).</summary>
    public Dictionary<string, object?> Answers { get; } = [];

    public override Task<IDisposable> OnAsync<T>(string eventName, Func<T, Task> handler, CancellationToken cancellationToken = default)
    {
        if (!_handlers.TryGetValue(eventName, out var list))
        {
            _handlers[eventName] = list = [];
        }

        Func<object, Task> boxed = payload => handler((T)payload);
        list.Add(boxed);
        return Task.FromResult<IDisposable>(new Subscription(() => list.Remove(boxed)));
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

    /// <summary>How many handlers listen to <paramref name="eventName"/>.</summary>
    public int Listeners(string eventName) => _handlers.TryGetValue(eventName, out var list) ? list.Count : 0;

    /// <summary>Delivers <paramref name="payload"/> as the hub would.</summary>
    public async Task RaiseAsync<T>(string eventName, T payload)
        where T : notnull
    {
        foreach (var handler in _handlers.GetValueOrDefault(eventName)?.ToList() ?? [])
        {
            await handler(payload);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
