using System.Text.Json;
using Hub.Core.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Web.Services;

/// <summary>
/// The circuit's connection to <c>/hubs/agent</c> as the signed-in member (one per circuit, opened on first use,
/// reconnecting by itself). Pages subscribe to the product's event names and invoke hub methods through it;
/// after a reconnect they are told (<see cref="Reconnected"/>) so they can resume their streams.
/// </summary>
public class AgentConnection(HubApi api, IApiTokenSource tokens, ILogger<AgentConnection> logger) : IAsyncDisposable
{
    // Every event the agent hub sends has one handler for the connection's life, registered before it starts: a page
    // that is not listening (the inbox closed, viewers still changing) is not a warning in the log, only nobody to tell.
    private static readonly string[] ServerEvents =
    [
        RealtimeEventNames.MessageReceived, RealtimeEventNames.MessageUpdated, RealtimeEventNames.ConversationUpdated,
        RealtimeEventNames.NotificationPush, RealtimeEventNames.SlaWarning, RealtimeEventNames.SlaBreach,
        RealtimeEventNames.CampaignStatus, RealtimeEventNames.CampaignAnalytics, RealtimeEventNames.TypingIndicator,
        RealtimeEventNames.PresenceChanged, RealtimeEventNames.ConversationViewers, RealtimeEventNames.AnalyticsAlert,
        RealtimeEventNames.Mention, RealtimeEventNames.Resync,
    ];

    private static readonly JsonSerializerOptions Serializer = NewSerializer();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Subscription> _subscriptions = [];
    private HubConnection? _connection;

    /// <summary>Raised after the connection came back (pages resume from their last sequence number).</summary>
    public event Func<Task>? Reconnected;

    /// <summary>Raised when the connection state changes (for a "reconnecting" indicator).</summary>
    public event Action<HubConnectionState>? StateChanged;

    public HubConnectionState State => _connection?.State ?? HubConnectionState.Disconnected;

    /// <summary>Subscribes to an event; dispose the result to unsubscribe.</summary>
    public virtual async Task<IDisposable> OnAsync<T>(string eventName, Func<T, Task> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await EnsureStartedAsync(cancellationToken);
        var subscription = new Subscription(this, eventName, payload => handler(payload.Deserialize<T>(Serializer)!));
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    /// <summary>Invokes a hub method and waits for its result.</summary>
    public virtual async Task<TResult> InvokeAsync<TResult>(string method, object? argument, CancellationToken cancellationToken = default)
    {
        var connection = await EnsureStartedAsync(cancellationToken);
        return argument is null
            ? await connection.InvokeAsync<TResult>(method, cancellationToken)
            : await connection.InvokeAsync<TResult>(method, argument, cancellationToken);
    }

    /// <summary>Invokes a hub method without a result.</summary>
    public virtual async Task SendAsync(string method, object? argument, CancellationToken cancellationToken = default)
    {
        var connection = await EnsureStartedAsync(cancellationToken);
        if (argument is null)
        {
            await connection.InvokeAsync(method, cancellationToken);
        }
        else
        {
            await connection.InvokeAsync(method, argument, cancellationToken);
        }
    }

    private async Task<HubConnection> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: HubConnectionState.Connected or HubConnectionState.Reconnecting })
        {
            return _connection;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                _connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(api.BaseAddress, "hubs/agent"), o => o.AccessTokenProvider = async () => await tokens.GetTokenAsync(CancellationToken.None))
                    .ConfigureLogging(l => l.AddProvider(new ForwardingLoggerProvider(logger)).SetMinimumLevel(LogLevel.Warning))
                    .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)])
                    .AddJsonProtocol(o => o.PayloadSerializerOptions = Serializer)
                    .Build();
                foreach (var name in ServerEvents)
                {
                    _connection.On<JsonElement>(name, payload => DispatchAsync(name, payload));
                }

                _connection.Reconnecting += _ => Changed(HubConnectionState.Reconnecting);
                _connection.Reconnected += _ => OnReconnectedAsync();
                _connection.Closed += error =>
                {
                    if (error is not null)
                    {
                        logger.LogWarning(error, "Dashboard hub connection closed");
                    }

                    return Changed(HubConnectionState.Disconnected);
                };
            }

            if (_connection.State == HubConnectionState.Disconnected)
            {
                await _connection.StartAsync(cancellationToken);
                StateChanged?.Invoke(HubConnectionState.Connected);
            }

            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The connection is back after a drop: says so, then lets every page resume what it shows, one after another.</summary>
    protected async Task OnReconnectedAsync()
    {
        StateChanged?.Invoke(HubConnectionState.Connected);
        if (Reconnected is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }

    private Task Changed(HubConnectionState state)
    {
        StateChanged?.Invoke(state);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task DispatchAsync(string eventName, JsonElement payload)
    {
        Subscription[] listening;
        lock (_subscriptions)
        {
            listening = [.. _subscriptions.Where(s => s.EventName == eventName)];
        }

        foreach (var subscription in listening)
        {
            try
            {
                await subscription.Handler(payload);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                logger.LogWarning(ex, "A dashboard handler for {Event} failed", eventName);
            }
        }
    }

    private static JsonSerializerOptions NewSerializer()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    private sealed class Subscription(AgentConnection owner, string eventName, Func<JsonElement, Task> handler) : IDisposable
    {
        public string EventName { get; } = eventName;

        public Func<JsonElement, Task> Handler { get; } = handler;

        public void Dispose()
        {
            lock (owner._subscriptions)
            {
                owner._subscriptions.Remove(this);
            }
        }
    }

    /// <summary>The hub client's own warnings (a handler that threw, an event it could not read) go to the dashboard's log.</summary>
    private sealed class ForwardingLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
