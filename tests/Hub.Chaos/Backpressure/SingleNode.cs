using System.Globalization;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.ScaleOut;
using Npgsql;

namespace Hub.Chaos.Backpressure;

/// <summary>
/// One real Hub process without Redis, on a fresh PostgreSQL database of the shared server when
/// <c>HUB_TEST_POSTGRES</c> (or CI) says so, else on a SQLite file of its own; with its process id, so a
/// test can read its resident memory.
/// </summary>
public sealed class SingleNode : IAsyncDisposable
{
    private TestStore? _store;

    private SingleNode()
    {
    }

    public HubProcess Process { get; private set; } = null!;

    public string StoreKind => _store?.Kind ?? "sqlite";

    private static bool UsePostgres => Environment.GetEnvironmentVariable("HUB_TEST_STORE") is { Length: > 0 }
        ? TestStore.Requested == "postgres"
        : Environment.GetEnvironmentVariable("HUB_TEST_POSTGRES") is { Length: > 0 } || Environment.GetEnvironmentVariable("CI") == "true";

    public static async Task<SingleNode> StartAsync(string name, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var node = new SingleNode();
        var settings = new Dictionary<string, string?>
        {
            ["Auth__JwtSigningKey"] = ScaleOutCluster.SigningKey,
            ["Auth__SignInRateLimitPerMinute"] = "100000",
            ["Auth__ClientTokenRateLimitPerMinute"] = "100000", // the load tests mint a token per client
            ["Bootstrap__AdminEmail"] = ScaleOutCluster.AdminEmail,
            ["Bootstrap__AdminPassword"] = ScaleOutCluster.AdminPassword,
            ["Bootstrap__WorkspaceName"] = name,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        node._store = await TestStore.CreateAsync(UsePostgres ? "postgres" : "sqlite");
        settings[node._store.SettingKey.Replace(":", "__", StringComparison.Ordinal)] = node._store.Kind == "postgres"
            ? new NpgsqlConnectionStringBuilder(node._store.SettingValue) { MaxPoolSize = 60 }.ConnectionString
            : node._store.SettingValue;

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        node.Process = await HubProcess.StartAsync(name, settings);
        return node;
    }

    /// <summary>The process's resident set size (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Process.ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for pid {Process.ProcessId}.");
    }

    public async Task<string> AdminTokenAsync()
    {
        using var http = ScaleOutCluster.Http(Process);
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = ScaleOutCluster.AdminEmail, password = ScaleOutCluster.AdminPassword });
        Assert.True(response.IsSuccessStatusCode, $"sign-in answered {(int)response.StatusCode}");
        return (await response.JsonAsync()).Str("access_token");
    }

    /// <summary>The client hub's WebSocket address.</summary>
    public Uri ClientHubSocket => new($"ws://{Process.Address.Authority}/hubs/client");

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
