using System.Collections.Concurrent;
using Hub.Core.Realtime;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Presence shared by every node through Redis. Each connection is an entry with an expiry that its
/// node refreshes; a node that dies stops refreshing, and the sweep (on every node) ages its
/// connections out and announces whoever went offline — exactly once, since the sweep is one atomic
/// script.
/// </summary>
public sealed partial class RedisPresenceTracker(
    IConnectionMultiplexer redis, RealtimeDispatcher dispatcher, IOptions<RealtimeOptions> options, TimeProvider clock,
    ILogger<RedisPresenceTracker> logger) : BackgroundService, IPresenceTracker
{
    private const string PeopleIndex = "hub:presence:index";
    private const string ViewersIndex = "hub:viewers:index";

    // Removes expired entries, applies the change, keeps the index, and answers the aggregate status
    // and entry count before and after, so the caller knows whether anyone should hear of it.
    private static readonly LuaScript Script = LuaScript.Prepare("""
        local function agg()
          local r = 'offline'
          for _, v in ipairs(redis.call('HVALS', @hash)) do
            if v == 'online' then return 'online' end
            r = 'away'
          end
          return r
        end
        local before = agg()
        local lenBefore = redis.call('HLEN', @hash)
        local now = tonumber(@now)
        for _, c in ipairs(redis.call('ZRANGEBYSCORE', @zset, '-inf', now)) do redis.call('HDEL', @hash, c) end
        redis.call('ZREMRANGEBYSCORE', @zset, '-inf', now)
        if @op == 'set' then
          redis.call('HSET', @hash, @conn, @value)
          redis.call('ZADD', @zset, @expires, @conn)
        elseif @op == 'del' then
          redis.call('HDEL', @hash, @conn)
          redis.call('ZREM', @zset, @conn)
        end
        if redis.call('HLEN', @hash) == 0 then
          redis.call('DEL', @zset, @hash)
          redis.call('SREM', @index, @member)
        else
          redis.call('SADD', @index, @member)
        end
        return {before, agg(), lenBefore, redis.call('HLEN', @hash)}
        """);

    private readonly ConcurrentDictionary<string, LocalConnection> _local = new();
    private readonly ConcurrentDictionary<string, HashSet<(Guid, Guid)>> _viewedBy = new();

    public async Task<PresenceTransition> ConnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId)
    {
        _local[connectionId] = new LocalConnection(workspaceId, kind, userId, PresenceStatus.Online);
        var result = await RunAsync(PersonKey(workspaceId, kind, userId), PeopleIndex, PersonMember(workspaceId, kind, userId), "set", connectionId, "online");
        return result.Transition;
    }

    public async Task<PresenceTransition> DisconnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId)
    {
        _local.TryRemove(connectionId, out _);
        return (await RunAsync(PersonKey(workspaceId, kind, userId), PeopleIndex, PersonMember(workspaceId, kind, userId), "del", connectionId, string.Empty)).Transition;
    }

    public async Task<PresenceTransition> SetStatusAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId, PresenceStatus status)
    {
        var op = status == PresenceStatus.Offline ? "del" : "set";
        if (status == PresenceStatus.Offline)
        {
            _local.TryRemove(connectionId, out _);
        }
        else
        {
            _local[connectionId] = new LocalConnection(workspaceId, kind, userId, status);
        }

        return (await RunAsync(PersonKey(workspaceId, kind, userId), PeopleIndex, PersonMember(workspaceId, kind, userId), op, connectionId, Name(status))).Transition;
    }

    public async Task<PresenceStatus> GetAsync(Guid workspaceId, PresenceKind kind, string userId)
    {
        // A read ages out what expired, like the sweep; if that turned someone offline, it says so as the sweep would
        // (the sweep that comes next finds nothing left to change, so nobody else would).
        var result = await RunAsync(PersonKey(workspaceId, kind, userId), PeopleIndex, PersonMember(workspaceId, kind, userId), "sweep", string.Empty, string.Empty);
        if (result.Transition.Changed)
        {
            await dispatcher.PresenceAsync(workspaceId, new PresenceChanged(userId, result.Transition.After));
        }

        return result.Transition.After;
    }

    public async Task<IReadOnlyDictionary<string, PresenceStatus>> ListAsync(Guid workspaceId, PresenceKind kind)
    {
        var prefix = $"{workspaceId:N}|{kind}|";
        var result = new Dictionary<string, PresenceStatus>();
        foreach (var member in await redis.GetDatabase().SetMembersAsync(PeopleIndex))
        {
            var text = member.ToString();
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                var userId = text[prefix.Length..];
                var status = await GetAsync(workspaceId, kind, userId);
                if (status != PresenceStatus.Offline)
                {
                    result[userId] = status;
                }
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<Viewer>> ViewAsync(Guid workspaceId, Guid conversationId, Viewer viewer, string connectionId)
    {
        var key = ViewerKey(workspaceId, conversationId);
        await RunAsync(key, ViewersIndex, ViewerMember(workspaceId, conversationId), "set", connectionId, $"{viewer.MemberId:N}|{viewer.Name}");
        _viewedBy.AddOrUpdate(connectionId, _ => [(workspaceId, conversationId)], (_, set) =>
        {
            lock (set)
            {
                set.Add((workspaceId, conversationId));
            }

            return set;
        });
        return await ViewersAsync(key);
    }

    public async Task<IReadOnlyList<Viewer>> LeaveAsync(Guid workspaceId, Guid conversationId, string connectionId)
    {
        if (_viewedBy.TryGetValue(connectionId, out var set))
        {
            lock (set)
            {
                set.Remove((workspaceId, conversationId));
            }
        }

        var key = ViewerKey(workspaceId, conversationId);
        await RunAsync(key, ViewersIndex, ViewerMember(workspaceId, conversationId), "del", connectionId, string.Empty);
        return await ViewersAsync(key);
    }

    public IReadOnlyList<(Guid WorkspaceId, Guid ConversationId)> ViewedBy(string connectionId)
    {
        if (!_viewedBy.TryRemove(connectionId, out var set))
        {
            return [];
        }

        lock (set)
        {
            return [.. set];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PresenceHeartbeat, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await HeartbeatAsync();
                await SweepAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Never let the loop die: a Redis timeout is a TimeoutException, not a RedisException, and a node
                // whose loop stopped would neither keep its users online nor age out a crashed node's.
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// Keeps this node's connections alive for another TTL by writing them again, not just extending them: after a
    /// stall longer than the TTL (a long pause, Redis restarted) the sweep may have aged them out, and they must come
    /// back — with a presence.changed — while they are still connected.
    /// </summary>
    private async Task HeartbeatAsync()
    {
        foreach (var (connection, local) in _local.ToArray())
        {
            var key = PersonKey(local.WorkspaceId, local.Kind, local.UserId);
            var member = PersonMember(local.WorkspaceId, local.Kind, local.UserId);
            var result = await RunAsync(key, PeopleIndex, member, "set", connection, Name(local.Status));
            if (!_local.ContainsKey(connection))
            {
                // It disconnected while we refreshed it: take the entry out again.
                result = await RunAsync(key, PeopleIndex, member, "del", connection, string.Empty);
            }

            if (result.Transition.Changed)
            {
                await dispatcher.PresenceAsync(local.WorkspaceId, new PresenceChanged(local.UserId, result.Transition.After));
            }
        }

        var db = redis.GetDatabase();
        var expires = Expiry();
        var batch = db.CreateBatch();
        var writes = new List<Task>();
        foreach (var (connection, viewed) in _viewedBy)
        {
            lock (viewed)
            {
                writes.AddRange(viewed.Select(v => batch.SortedSetAddAsync(ViewerKey(v.Item1, v.Item2).Zset, connection, expires, SortedSetWhen.Exists)));
            }
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>Ages out connections of nodes that stopped refreshing them, and says so.</summary>
    private async Task SweepAsync()
    {
        var db = redis.GetDatabase();
        foreach (var member in await db.SetMembersAsync(PeopleIndex))
        {
            var parts = member.ToString().Split('|', 3);
            if (parts.Length == 3 && Guid.TryParse(parts[0], out var workspaceId) && Enum.TryParse<PresenceKind>(parts[1], out var kind))
            {
                var result = await RunAsync(PersonKey(workspaceId, kind, parts[2]), PeopleIndex, member.ToString(), "sweep", string.Empty, string.Empty);
                if (result.Transition.Changed)
                {
                    await dispatcher.PresenceAsync(workspaceId, new PresenceChanged(parts[2], result.Transition.After));
                }
            }
        }

        foreach (var member in await db.SetMembersAsync(ViewersIndex))
        {
            var parts = member.ToString().Split('|', 2);
            if (parts.Length == 2 && Guid.TryParse(parts[0], out var workspaceId) && Guid.TryParse(parts[1], out var conversationId))
            {
                var key = ViewerKey(workspaceId, conversationId);
                var result = await RunAsync(key, ViewersIndex, member.ToString(), "sweep", string.Empty, string.Empty);
                if (result.CountAfter < result.CountBefore)
                {
                    await dispatcher.ViewersAsync(workspaceId, new ConversationViewers(conversationId, await ViewersAsync(key)));
                }
            }
        }
    }

    private async Task<IReadOnlyList<Viewer>> ViewersAsync((string Hash, string Zset) key)
    {
        var values = await redis.GetDatabase().HashValuesAsync(key.Hash);
        return [.. values.Select(v => v.ToString().Split('|', 2))
            .Where(p => p.Length == 2 && Guid.TryParse(p[0], out _))
            .Select(p => new Viewer(Guid.Parse(p[0]), p[1]))
            .DistinctBy(v => v.MemberId)
            .OrderBy(v => v.Name, StringComparer.Ordinal)];
    }

    private async Task<(PresenceTransition Transition, long CountBefore, long CountAfter)> RunAsync(
        (string Hash, string Zset) key, string index, string member, string op, string connection, string value)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new
        {
            hash = (RedisKey)key.Hash,
            zset = (RedisKey)key.Zset,
            index = (RedisKey)index,
            member,
            op,
            conn = connection,
            value,
            now,
            expires = Expiry(),
        }))!;
        return (new PresenceTransition(Parse((string)result[0]!), Parse((string)result[1]!)), (long)result[2], (long)result[3]);
    }

    private long Expiry() => (clock.GetUtcNow() + options.Value.PresenceTtl).ToUnixTimeMilliseconds();

    private static (string Hash, string Zset) PersonKey(Guid workspaceId, PresenceKind kind, string userId) =>
        ($"hub:presence:{workspaceId:N}:{kind}:{userId}:status", $"hub:presence:{workspaceId:N}:{kind}:{userId}:conns");

    private static string PersonMember(Guid workspaceId, PresenceKind kind, string userId) => $"{workspaceId:N}|{kind}|{userId}";

    private static (string Hash, string Zset) ViewerKey(Guid workspaceId, Guid conversationId) =>
        ($"hub:viewers:{workspaceId:N}:{conversationId:N}", $"hub:viewers:{workspaceId:N}:{conversationId:N}:conns");

    private static string ViewerMember(Guid workspaceId, Guid conversationId) => $"{workspaceId:N}|{conversationId:N}";

    private static string Name(PresenceStatus status) => status == PresenceStatus.Online ? "online" : "away";

    private static PresenceStatus Parse(string value) => value switch
    {
        "online" => PresenceStatus.Online,
        "away" => PresenceStatus.Away,
        _ => PresenceStatus.Offline,
    };

    private sealed record LocalConnection(Guid WorkspaceId, PresenceKind Kind, string UserId, PresenceStatus Status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence heartbeat or sweep failed; will retry")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
