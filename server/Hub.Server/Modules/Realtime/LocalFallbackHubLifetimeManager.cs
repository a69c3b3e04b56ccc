using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// The Redis backplane, with a local fallback: while Redis is unreachable a node still delivers to its own
/// connections (the backplane alone publishes every group/user/all send to Redis and delivers nothing, not
/// even locally, until Redis answers — and throws after the event was committed). Membership is kept in
/// both managers, so whichever sends finds the groups; sends go through Redis when it is connected, else
/// (or when the publish fails) to this node's connections only. Events other nodes missed meanwhile are
/// sequenced and stored, so their clients get them with <c>stream.resume</c> once Redis is back.
/// </summary>
public sealed partial class LocalFallbackHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable
    where THub : Microsoft.AspNetCore.SignalR.Hub
{
    private readonly RedisHubLifetimeManager<THub> _backplane;
    private readonly DefaultHubLifetimeManager<THub> _local;
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger _logger;

    public LocalFallbackHubLifetimeManager(IServiceProvider services, IConnectionMultiplexer redis, ILogger<LocalFallbackHubLifetimeManager<THub>> logger)
    {
        _backplane = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);
        _local = ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<THub>>(services);
        _redis = redis;
        _logger = logger;
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await _local.OnConnectedAsync(connection);
        await MembershipAsync(() => _backplane.OnConnectedAsync(connection));
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        await _local.OnDisconnectedAsync(connection);
        await MembershipAsync(() => _backplane.OnDisconnectedAsync(connection));
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await _local.AddToGroupAsync(connectionId, groupName, cancellationToken);
        await MembershipAsync(() => _backplane.AddToGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await _local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        await MembershipAsync(() => _backplane.RemoveFromGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionAsync(connectionId, methodName, args, cancellationToken));

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUsersAsync(userIds, methodName, args, cancellationToken));

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _backplane.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
        _backplane.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _backplane.TryGetReturnType(invocationId, out type);

    public void Dispose() => _backplane.Dispose();

    private async Task SendAsync(Func<HubLifetimeManager<THub>, Task> send)
    {
        if (_redis.IsConnected)
        {
            try
            {
                await send(_backplane);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogLocalOnly(_logger, ex);
            }
        }

        await send(_local);
    }

    private async Task MembershipAsync(Func<Task> change)
    {
        try
        {
            await change();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Local membership is kept; the backplane's subscriptions are restored by the multiplexer on reconnect.
            LogMembershipFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis backplane publish failed; delivered to this node's connections only")]
    private static partial void LogLocalOnly(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis backplane membership change failed; kept locally")]
    private static partial void LogMembershipFailed(ILogger logger, Exception exception);
}
