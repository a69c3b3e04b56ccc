using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Hub.Server.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>
/// Two real Hub processes (nodes A and B) on their own loopback ports, sharing one database and one
/// Redis, as a scaled-out deployment runs. The database is a fresh PostgreSQL database with
/// <c>HUB_TEST_STORE=postgres</c>, or, when no store is named, with <c>HUB_TEST_POSTGRES</c> set or under CI;
/// else one SQLite file in a temporary folder that both processes open. Redis keys are kept apart from
/// other runs by a logical database of the fixture's own, claimed with a key so concurrent runs on the
/// same Redis never share one. (Pub/sub ignores logical databases, so backplane messages of concurrent
/// runs share channels; they cannot reach these tests' clients, whose groups are named by fresh ids.)
/// </summary>
public sealed class ScaleOutCluster : IAsyncLifetime
{
    public const string AdminEmail = "admin@hub.test";
    public const string AdminPassword = "Admin-Passw0rd-ScaleOut";
    public const string SigningKey = "scale-out-test-signing-key-that-is-long-enough-0123456789";

    public static readonly TimeSpan PresenceTtl = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan PresenceHeartbeat = TimeSpan.FromSeconds(1);

    private const string ClaimKey = "hub:scale-out-test:claim";

    private readonly string _claim = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _starting = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private string? _postgresAdmin;
    private string? _postgresDatabase;
    private string? _sqliteDirectory;
    private HubProcess? _a;
    private HubProcess? _b;
    private Exception? _startFailure;

    public HubProcess A => _a ?? throw new InvalidOperationException("The cluster is not running (no Redis?).");

    public HubProcess B => _b ?? throw new InvalidOperationException("The cluster is not running (no Redis?).");

    /// <summary>The Redis logical database both nodes use (0-15), or -1 before start.</summary>
    public int RedisDatabase { get; private set; } = -1;

    /// <summary><c>postgres</c> or <c>sqlite</c>.</summary>
    public string StoreKind => _postgresDatabase is null ? "sqlite" : "postgres";

    /// <summary>Start both nodes at the same moment on the new database (as <c>docker compose --profile scale-out up</c> does) instead of one after the other.</summary>
    public bool StartTogether { get; init; }

    /// <summary>
    /// A Redis of the caller's own (e.g. one a chaos test kills) instead of <c>HUB_TEST_REDIS</c>: the nodes use
    /// its database 0, unclaimed and not cleared, since nothing else runs on it.
    /// </summary>
    public string? Redis { get; init; }

    /// <summary>Extra settings for both nodes (<c>Section__Key</c>), over the cluster's own.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>How long both nodes took to become ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    // An explicit HUB_TEST_STORE wins, so scripts/test.sh's SQLite and PostgreSQL passes each run these
    // once on their own store; otherwise PostgreSQL whenever one is available (HUB_TEST_POSTGRES, CI).
    private static bool UsePostgres => Environment.GetEnvironmentVariable("HUB_TEST_STORE") is { Length: > 0 }
        ? TestStore.Requested == "postgres"
        : Environment.GetEnvironmentVariable("HUB_TEST_POSTGRES") is { Length: > 0 } || Environment.GetEnvironmentVariable("CI") == "true";

    // Nodes start on the first test that runs (see RunAsync), so a class whose tests are all skipped
    // (no Redis, or a known bug) starts nothing.
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts both nodes, once; a failed start fails every later test the same way.</summary>
    public async Task StartAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (_startFailure is not null)
            {
                throw new InvalidOperationException("The scale-out cluster failed to start for an earlier test.", _startFailure);
            }

            if (_b is null)
            {
                await StartNodesAsync();
                Console.WriteLine($"[scale-out] two nodes ready in {StartupTime.TotalSeconds:F1} s ({StoreKind}, Redis database {RedisDatabase})");
            }
        }
        catch (Exception ex) when (_startFailure is null)
        {
            _startFailure = ex;
            throw;
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task StartNodesAsync()
    {
        var redis = Redis ?? TestServers.Redis ?? throw new InvalidOperationException("No Redis: set HUB_TEST_REDIS.");
        var started = DateTime.UtcNow;
        RedisDatabase = Redis is null ? await ClaimRedisDatabaseAsync(redis) : 0;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Redis"] = $"{redis},defaultDatabase={RedisDatabase}",
            ["Auth__JwtSigningKey"] = SigningKey,
            ["Auth__SignInRateLimitPerMinute"] = "100000",
            ["Bootstrap__AdminEmail"] = AdminEmail,
            ["Bootstrap__AdminPassword"] = AdminPassword,
            ["Bootstrap__WorkspaceName"] = "Scale-out",
            ["Realtime__PresenceTtl"] = "00:00:03",
            ["Realtime__PresenceHeartbeat"] = "00:00:01",
            ["Realtime__MessagesPerSecond"] = "50",
            ["Realtime__MessageBurst"] = "100",
        };
        foreach (var (key, value) in Settings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        if (UsePostgres)
        {
            _postgresAdmin = Environment.GetEnvironmentVariable("HUB_TEST_POSTGRES") is { Length: > 0 } pg ? pg : TestStore.DefaultPostgres;
            var name = $"hub_scaleout_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(_postgresAdmin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            _postgresDatabase = name;
            settings["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(_postgresAdmin) { Database = name }.ConnectionString;
        }
        else
        {
            _sqliteDirectory = Directory.CreateTempSubdirectory("hub-scaleout-").FullName;
            settings["Storage__SqlitePath"] = Path.Combine(_sqliteDirectory, "hub.db");
        }

        if (StartTogether)
        {
            Task<HubProcess>[] starts = [HubProcess.StartAsync("A", settings), HubProcess.StartAsync("B", settings)];
            try
            {
                await Task.WhenAll(starts);
            }
            catch (InvalidOperationException)
            {
                foreach (var ready in starts.Where(t => t.IsCompletedSuccessfully))
                {
                    await ready.Result.DisposeAsync();
                }

                throw new InvalidOperationException("Two nodes started together on a new database did not both become ready:\n"
                    + string.Join('\n', starts.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!.Message)));
            }

            _a = starts[0].Result;
            _b = starts[1].Result;
        }
        else
        {
            // One after the other: A migrates the new database and creates the first admin, B finds them.
            _a = await HubProcess.StartAsync("A", settings);
            _b = await HubProcess.StartAsync("B", settings);
        }

        StartupTime = DateTime.UtcNow - started;
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_postgresDatabase is not null)
        {
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_sqliteDirectory is not null)
        {
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        if (_redis is not null)
        {
            if (RedisDatabase >= 0)
            {
                await ClearAsync(RedisDatabase);
                await _redis.GetDatabase(RedisDatabase).ScriptEvaluateAsync(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                    [ClaimKey], [_claim]);
            }

            await _redis.DisposeAsync();
        }

        _starting.Dispose();
    }

    /// <summary>A member JWT for the first admin, signed in through <paramref name="node"/> (every node accepts it).</summary>
    public async Task<string> AdminTokenAsync(HubProcess node)
    {
        using var http = Http(node);
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword });
        Assert.True(response.IsSuccessStatusCode, $"sign-in on node {node.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.JsonAsync()).Str("access_token");
    }

    /// <summary>An end-user token for <paramref name="userId"/>, minted by <paramref name="node"/>.</summary>
    public async Task<string> MintAsync(HubProcess node, string adminToken, string userId)
    {
        using var http = Http(node, adminToken);
        return (await http.PostJsonAsync("/api/v1/client-tokens", new { user_id = userId })).Str("token");
    }

    /// <summary>A client for <paramref name="node"/>'s REST API, with a bearer token if given.</summary>
    public static HttpClient Http(HubProcess node, string? bearer = null)
    {
        var http = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    public static Task<RealtimeClient> ConnectAgentAsync(HubProcess node, string memberToken) =>
        RealtimeClient.ConnectAsync(new Uri(node.Address, "/hubs/agent"), memberToken);

    public static Task<RealtimeClient> ConnectUserAsync(HubProcess node, string userToken, bool autoReconnect = false) =>
        RealtimeClient.ConnectAsync(new Uri(node.Address, "/hubs/client"), userToken, autoReconnect: autoReconnect);

    /// <summary>Runs a test body; a failure carries what both servers printed.</summary>
    public async Task RunAsync(Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await StartAsync();
            await test();
        }
        catch (Exception ex)
        {
            throw new ScaleOutTestFailure($"{ex.GetType().Name}: {ex.Message}\n\n{Describe()}", ex);
        }
    }

    /// <summary>The cluster's setup and the tail of each node's output.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("Scale-out cluster: store ").Append(StoreKind).Append(", Redis ").Append(Redis ?? TestServers.Redis)
            .Append(" database ").Append(RedisDatabase).Append('\n');
        foreach (var node in new[] { _a, _b })
        {
            if (node is not null)
            {
                text.Append(node.Tail()).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Takes a Redis logical database no other run holds (1-15; 0 is left to everything else): a claim
    /// key set with NX and an expiry, so a crashed run's claim lapses. Stale keys in it are removed.
    /// </summary>
    private async Task<int> ClaimRedisDatabaseAsync(string redis)
    {
        var options = ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        _redis = await ConnectionMultiplexer.ConnectAsync(options);
        foreach (var n in Enumerable.Range(1, 15).OrderBy(_ => Random.Shared.Next()))
        {
            if (await _redis.GetDatabase(n).StringSetAsync(ClaimKey, _claim, TimeSpan.FromMinutes(15), When.NotExists))
            {
                await ClearAsync(n);
                return n;
            }
        }

        throw new InvalidOperationException($"Every Redis logical database 1-15 on {redis} is claimed by another scale-out run ({ClaimKey}).");
    }

    /// <summary>Removes every key of database <paramref name="n"/> but the claim.</summary>
    private async Task ClearAsync(int n)
    {
        var server = _redis!.GetServers()[0];
        var db = _redis.GetDatabase(n);
        await foreach (var key in server.KeysAsync(n, pageSize: 500))
        {
            if (key != ClaimKey)
            {
                await db.KeyDeleteAsync(key);
            }
        }
    }
}

/// <summary>A scale-out test failed; the message carries both nodes' output.</summary>
public sealed class ScaleOutTestFailure : Exception
{
    public ScaleOutTestFailure()
    {
    }

    public ScaleOutTestFailure(string message)
        : base(message)
    {
    }

    public ScaleOutTestFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Scale-out tests run one class at a time: each starts two servers of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ScaleOutCollection
{
    public const string Name = "scale-out";
}
