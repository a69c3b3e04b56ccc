using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;
using Npgsql;

namespace Hub.Chaos.Infrastructure;

/// <summary>
/// A test that starts a PostgreSQL server of its own (<see cref="ChaosPostgres"/>), so it needs the PostgreSQL
/// binaries. Without them it is skipped, loudly, on a developer machine; under CI it runs and fails.
/// </summary>
public sealed class ChaosPostgresFactAttribute : FactAttribute
{
    public ChaosPostgresFactAttribute()
    {
        if (!ChaosNodes.PostgresInstalled && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: PostgreSQL is not installed (/usr/lib/postgresql/*/bin/pg_ctl); the chaos suite starts and kills a server of its own.";
        }
    }
}

/// <summary>Hub processes for chaos scenarios: their settings, a database of their own on a chaos server, sign-in, sizes.</summary>
public static class ChaosNodes
{
    public const string AdminEmail = "admin@chaos.test";
    public const string AdminPassword = "Chaos-Passw0rd-Test";

    /// <summary>True when a PostgreSQL server can be started here.</summary>
    public static bool PostgresInstalled => Directory.Exists("/usr/lib/postgresql")
        && Directory.EnumerateDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "pg_ctl")));

    /// <summary><c>HUB_CHAOS_FULL=true</c> (scripts/chaos.sh): bigger runs.</summary>
    public static bool Full => Environment.GetEnvironmentVariable("HUB_CHAOS_FULL") == "true";

    /// <summary>A size from <paramref name="variable"/>, else <paramref name="full"/> in a full run, else <paramref name="ci"/>.</summary>
    public static int Size(string variable, int ci, int full) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : Full ? full : ci;

    /// <summary>Creates database <paramref name="name"/> on <paramref name="server"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(ChaosPostgres server, string name)
    {
        ArgumentNullException.ThrowIfNull(server);
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return server.ConnectionString(name);
    }

    /// <summary>The settings every chaos node gets: the database, a first admin, quick delivery polling, warnings only.</summary>
    public static Dictionary<string, string?> Settings(string postgres, string workspace) => new()
    {
        ["ConnectionStrings__Postgres"] = postgres,
        ["Auth__JwtSigningKey"] = "chaos-test-signing-key-that-is-long-enough-0123456789",
        ["Auth__SignInRateLimitPerMinute"] = "100000",
        ["Bootstrap__AdminEmail"] = AdminEmail,
        ["Bootstrap__AdminPassword"] = AdminPassword,
        ["Bootstrap__WorkspaceName"] = workspace,
        ["Delivery__PollInterval"] = "00:00:00.200",
        ["Email__ImapEnabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>An admin client for <paramref name="node"/> (a member JWT).</summary>
    public static async Task<HttpClient> SignInAsync(HubProcess node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var client = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) };
        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword });
        Assert.True(token.IsSuccessStatusCode, $"sign-in on node {node.Name} answered {(int)token.StatusCode}: {await token.Content.ReadAsStringAsync()}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.JsonAsync()).Str("access_token"));
        return client;
    }

    /// <summary>
    /// Keeps what <paramref name="node"/> printed in <c>.artifacts/chaos/logs/{name}-{node}.log</c> (next to the chaos
    /// report), for reading after a failed or surprising run.
    /// </summary>
    public static void SaveLog(HubProcess node, string name)
    {
        ArgumentNullException.ThrowIfNull(node);
        var directory = Path.Combine(Path.GetDirectoryName(ChaosReport.FilePath)!, "logs");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{name}-{node.Name}.log"), node.Output);
    }

    /// <summary>Polls <paramref name="probe"/> until it returns true, or fails with <paramref name="what"/> and the nodes' output.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> probe, TimeSpan timeout, Func<string> what, params HubProcess[] nodes)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(what);
        var deadline = DateTime.UtcNow + timeout;
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what()}\n{string.Join('\n', nodes.Select(n => n.Tail(80)))}");
            }

            await Task.Delay(250);
        }
    }
}

/// <summary>
/// A Redis logical database (1-15) of a test's own on the shared Redis, claimed with the same key and rule as
/// <c>ScaleOutCluster</c> (SET NX with an expiry), so concurrent runs and the scale-out suite never share one.
/// </summary>
public sealed class RedisSlot : IAsyncDisposable
{
    private const string ClaimKey = "hub:scale-out-test:claim";

    private readonly StackExchange.Redis.ConnectionMultiplexer _redis;
    private readonly string _claim = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    private RedisSlot(StackExchange.Redis.ConnectionMultiplexer redis, string server)
    {
        _redis = redis;
        Server = server;
    }

    public string Server { get; }

    public int Database { get; private set; } = -1;

    /// <summary>The connection string a node gets (<c>ConnectionStrings__Redis</c>).</summary>
    public string ConnectionString => $"{Server},defaultDatabase={Database}";

    /// <summary>Claims a free database on <paramref name="server"/> and empties it.</summary>
    public static async Task<RedisSlot> ClaimAsync(string server)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(server);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        var slot = new RedisSlot(await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options), server);
        foreach (var n in Enumerable.Range(1, 15).OrderBy(_ => Random.Shared.Next()))
        {
            if (await slot._redis.GetDatabase(n).StringSetAsync(ClaimKey, slot._claim, TimeSpan.FromMinutes(15), StackExchange.Redis.When.NotExists))
            {
                slot.Database = n;
                await slot.ClearAsync();
                return slot;
            }
        }

        await slot._redis.DisposeAsync();
        throw new InvalidOperationException($"Every Redis logical database 1-15 on {server} is claimed ({ClaimKey}).");
    }

    private async Task ClearAsync()
    {
        var db = _redis.GetDatabase(Database);
        await foreach (var key in _redis.GetServers()[0].KeysAsync(Database, pageSize: 500))
        {
            if (key != ClaimKey)
            {
                await db.KeyDeleteAsync(key);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Database >= 0)
        {
            await ClearAsync();
            await _redis.GetDatabase(Database).ScriptEvaluateAsync(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [ClaimKey], [_claim]);
        }

        await _redis.DisposeAsync();
    }
}
