using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// An official .NET SignalR client connection that records every event it receives, by name, and can
/// drop its WebSocket on demand (as a flaky network would).
/// </summary>
public sealed class RealtimeClient : IAsyncDisposable
{
    private static readonly string[] EventNames =
    [
        RealtimeEventNames.MessageReceived, RealtimeEventNames.MessageUpdated, RealtimeEventNames.ConversationUpdated,
        RealtimeEventNames.NotificationPush, RealtimeEventNames.TypingIndicator, RealtimeEventNames.PresenceChanged,
        RealtimeEventNames.ConversationViewers, RealtimeEventNames.Resync, RealtimeEventNames.Mention,
        RealtimeEventNames.SlaWarning, RealtimeEventNames.SlaBreach,
        RealtimeEventNames.CampaignStatus, RealtimeEventNames.CampaignAnalytics,
    ];

    private readonly ConcurrentQueue<(string Name, JsonElement Data)> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private ClientWebSocket? _socket;
    private TaskCompletionSource? _away;

    private RealtimeClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    /// <summary>Every event so far, in arrival order, as JSON (whatever the protocol on the wire).</summary>
    public IReadOnlyList<(string Name, JsonElement Data)> Events => [.. _events];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task<RealtimeClient> ConnectAsync(Uri url, string token, bool messagePack = false, bool autoReconnect = false)
    {
        RealtimeClient? client = null;
        var builder = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, cancellationToken) =>
                {
                    if (client!._away is { } away)
                    {
                        await away.Task.WaitAsync(cancellationToken);
                    }

                    var socket = new ClientWebSocket();
                    socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
                    await socket.ConnectAsync(context.Uri, cancellationToken);
                    client!._socket = socket;
                    return socket;
                };
            });
        builder = messagePack
            ? builder.AddMessagePackProtocol()
            : builder.AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        if (autoReconnect)
        {
            builder = builder.WithAutomaticReconnect([TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
        }

        client = new RealtimeClient(builder.Build());

        // MessagePack carries no names for untyped payloads: tests on it register typed handlers themselves.
        if (!messagePack)
        {
            foreach (var name in EventNames)
            {
                client.Connection.On<JsonElement>(name, payload => client.Record(name, payload));
            }
        }

        await client.Connection.StartAsync();
        return client;
    }

    /// <summary>Cuts the WebSocket without a goodbye, as a dropped network does.</summary>
    public void DropSocket() => _socket?.Abort();

    /// <summary>
    /// Cuts the WebSocket as <see cref="DropSocket"/> does and keeps the client off the network (its reconnect attempts
    /// wait) until <see cref="ComeBack"/>: what the server sends meanwhile is certainly missed, whatever the retry delays.
    /// </summary>
    public void DropSocketAndStayAway()
    {
        _away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DropSocket();
    }

    /// <summary>Lets the client reconnect after <see cref="DropSocketAndStayAway"/>.</summary>
    public void ComeBack() => Interlocked.Exchange(ref _away, null)?.TrySetResult();

    /// <summary>
    /// Waits until an event named <paramref name="name"/> matching <paramref name="match"/> has arrived; with
    /// <paramref name="skip"/>, until that many such events came before it, and returns it.
    /// </summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null, int skip = 0)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var seen = 0;
            foreach (var (n, data) in _events)
            {
                if (n == name && (match is null || match(data)) && seen++ == skip)
                {
                    return data;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No {name} event arrived; got: {string.Join(", ", _events.Select(e => e.Name))}");
            }
        }
    }

    /// <summary>
    /// Asserts that no event named <paramref name="name"/> matching <paramref name="match"/> has arrived once
    /// <paramref name="fence"/> is done. The fence makes the server send this connection something after the moment a
    /// wrong event would have been sent (a later event on the same path, or a call's answer), so a stray event would
    /// already be here: nothing waits for time to pass.
    /// </summary>
    public async Task AssertNoneAsync(string name, Func<JsonElement, bool>? match, Func<Task> fence)
    {
        ArgumentNullException.ThrowIfNull(fence);
        await fence();
        Assert.DoesNotContain(_events, e => e.Name == name && (match is null || match(e.Data)));
    }

    /// <summary>
    /// A fence for what the server sends an end user's connection (<c>/hubs/client</c>) while it sets it up: a hub call's
    /// answer comes after everything the server sent this connection before it ran the call (replays on connect included).
    /// </summary>
    public Task RoundTripAsync() => Connection.InvokeAsync<NotificationList>(RealtimeEventNames.NotificationList, new NotificationListRequest());

    /// <summary>
    /// Asserts that no such event arrives within <paramref name="window"/> of real time. Only for what runs on real time
    /// out of the test's reach (presence expiry and heartbeats in other processes); everything else uses a fence.
    /// </summary>
    public async Task AssertNoneWithinAsync(string name, Func<JsonElement, bool>? match, TimeSpan window)
    {
        await Task.Delay(window);
        Assert.DoesNotContain(_events, e => e.Name == name && (match is null || match(e.Data)));
    }

    public int Count(string name, Func<JsonElement, bool>? match = null) =>
        _events.Count(e => e.Name == name && (match is null || match(e.Data)));

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void Record(string name, JsonElement payload)
    {
        _events.Enqueue((name, payload.Clone()));
        _arrived.Release();
    }
}
