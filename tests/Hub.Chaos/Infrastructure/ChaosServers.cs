using System.Diagnostics;
using System.Globalization;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Chaos.Infrastructure;

/// <summary>
/// A PostgreSQL server of the chaos suite's own (its own data directory and port, started with the same
/// <c>scripts/lib/services.sh</c> the test script uses), so a test can SIGKILL it and start it again on the
/// same data without disturbing the shared server other suites run on.
/// </summary>
public sealed class ChaosPostgres(int port) : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hub-chaos-pg-{port}");

    public int Port { get; } = port;

    /// <summary>An admin connection string (database <c>postgres</c>).</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5";

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5";

    private string DataDirectory => Path.Combine(_directory, "pg");

    /// <summary>initdb + start, on a fresh data directory.</summary>
    public Task StartFreshAsync() => ChaosShell.ServicesAsync($"HUB_PG_PORT={Port} HUB_SERVICES_DIR={_directory} start_postgres");

    /// <summary>SIGKILL the postmaster and every backend: a crash, no checkpoint, no goodbyes.</summary>
    public async Task KillAsync()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            var pid = int.Parse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture);
            // The backends are the postmaster's children: kill them too, or they linger holding the port.
            await ChaosShell.RunAsync($"pkill -9 -P {pid}; kill -9 {pid}; for i in $(seq 100); do kill -0 {pid} 2>/dev/null || break; sleep 0.1; done");
        }
    }

    /// <summary>Starts the server again on the data it had (crash recovery runs), and waits until it answers.</summary>
    public Task RestartAsync() => ChaosShell.ServicesAsync(
        $"run_as_postgres \"$(pg_bin)/pg_ctl -D {DataDirectory} -o '-p {Port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' -l {DataDirectory}/log -w start\"");

    public async ValueTask DisposeAsync()
    {
        await ChaosShell.ServicesAsync($"HUB_PG_PORT={Port} HUB_SERVICES_DIR={_directory} stop_postgres");
        await KillAsync();
    }
}

/// <summary>A Redis server of the chaos suite's own, on its own port, that a test can kill and start again.</summary>
public sealed class ChaosRedis(int port) : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hub-chaos-redis-{port}");

    public int Port { get; } = port;

    /// <summary>The StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false";

    public Task StartAsync() => ChaosShell.ServicesAsync($"HUB_REDIS_PORT={Port} HUB_SERVICES_DIR={_directory} start_redis");

    /// <summary>SIGKILL the server (all keys are gone with it: it runs without persistence, as in the tests).</summary>
    public Task KillAsync() => ChaosShell.RunAsync(
        $"pid=$(cat {_directory}/redis.pid 2>/dev/null) && kill -9 $pid; for i in $(seq 100); do redis-cli -p {Port} ping >/dev/null 2>&1 || break; sleep 0.1; done");

    public ValueTask DisposeAsync() => new(KillAsync());
}

/// <summary>Runs shell lines, optionally with <c>scripts/lib/services.sh</c> sourced.</summary>
public static class ChaosShell
{
    public static Task ServicesAsync(string command) =>
        RunAsync($"source '{Path.Combine(HubProcess.RepositoryRoot, "scripts", "lib", "services.sh")}' && {command}");

    public static async Task RunAsync(string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{command}` exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
