using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// One real Hub server process (<c>dotnet Hub.Server.dll</c>, run from <c>server/Hub.Server</c>) on a free
/// loopback port, configured through environment variables. Its stdout and stderr are kept, with the
/// time each line arrived, so a failing test can show what the server said. Disposing kills it.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 5000;

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Process? _process;
    private Process? _watchdog;

    private HubProcess(string name) => Name = name;

    /// <summary>A label for messages ("A", "B").</summary>
    public string Name { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The process id while it runs (for the report), or -1.</summary>
    public int ProcessId { get; private set; } = -1;

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The repository root (the folder that holds <c>Hub.sln</c>).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The server build next to this test build (same configuration: Debug or Release).</summary>
    public static string ServerDll
    {
        get
        {
            // .../tests/Hub.Server.Tests/bin/{Configuration}/net10.0/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
            var candidates = new[] { configuration, "Debug", "Release" }
                .Select(c => Path.Combine(RepositoryRoot, "server", "Hub.Server", "bin", c, "net10.0", "Hub.Server.dll"));
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException("Hub.Server.dll is not built; build tests/Hub.Server.Tests (it builds the server too).", candidates.First());
        }
    }

    /// <summary>
    /// Starts Hub with <paramref name="settings"/> as environment variables (<c>Section__Key</c>) and waits
    /// until <c>/health/ready</c> answers 200. A port taken between picking and binding is retried.
    /// </summary>
    public static async Task<HubProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, TimeSpan? readyTimeout = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = new HubProcess(name);
            try
            {
                node.Launch(settings);
                await node.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(90));
                return node;
            }
            catch (InvalidOperationException) when (attempt < 3 && node.HasExited && node.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await node.DisposeAsync();
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Everything the process printed so far, one line each, prefixed with seconds since its start.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Output"/>.</summary>
    public string Tail(int lines = 150)
    {
        var all = _output.ToArray();
        var skipped = Math.Max(0, all.Length - lines);
        var text = new StringBuilder();
        var state = HasExited ? $"exited, {ExitCodeText()}" : "running";
        var shown = skipped > 0 ? $", last {lines} of {all.Length} lines" : string.Empty;
        text.Append(CultureInfo.InvariantCulture, $"--- Hub node {Name} ({Address}, pid {ProcessId}, {state}){shown} ---\n");
        foreach (var line in all.Skip(skipped))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Ends the process at once, as a crash or SIGKILL does (no graceful shutdown, no goodbyes).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }

            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        if (_process is not null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            _process.Dispose();
        }

        if (_watchdog is not null)
        {
            try
            {
                _watchdog.Kill();
            }
            catch (InvalidOperationException)
            {
                // it saw the node exit and ended by itself
            }

            _watchdog.Dispose();
        }
    }

    private void Launch(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(RepositoryRoot, "server", "Hub.Server"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);

        // Nothing from the test runner's environment may point the node elsewhere.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        info.Environment["ASPNETCORE_URLS"] = Address.GetLeftPart(UriPartial.Authority);
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore.SignalR.StackExchangeRedis"] = "Information";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Keep("out", e.Data);
        process.ErrorDataReceived += (_, e) => Keep("err", e.Data);
        process.Start();
        _process = process;
        ProcessId = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _watchdog = Watch(process.Id);
    }

    /// <summary>
    /// Kills the node if this test process dies first (a crashed or killed test host runs no
    /// DisposeAsync), so no server outlives its run, holding a port and heartbeating into Redis.
    /// </summary>
    private static Process? Watch(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var info = new ProcessStartInfo("sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 {pid} 2>/dev/null; do sleep 1; done; kill -9 {pid} 2>/dev/null");
        return Process.Start(info);
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                // Let the output readers drain what the process printed last.
                _process?.WaitForExit(2000);
                throw new InvalidOperationException($"Hub node {Name} exited with {ExitCodeText()} before it was ready.\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"Hub node {Name} was not ready within {timeout.TotalSeconds:F0} s (last answer: {last}).\n{Tail()}");
    }

    private void Keep(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,7:F2}s {stream}] {line}"));
        while (_output.Count > MaxKeptLines && _output.TryDequeue(out _))
        {
        }
    }

    private string ExitCodeText()
    {
        try
        {
            return _process is { HasExited: true } p ? $"code {p.ExitCode}" : "no exit code";
        }
        catch (InvalidOperationException)
        {
            return "no exit code";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Hub.sln above {AppContext.BaseDirectory}.");
    }
}
