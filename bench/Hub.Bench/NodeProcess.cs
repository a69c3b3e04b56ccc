using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Hub.Bench;

/// <summary>
/// A Node script from <c>bench/peers</c> driven over stdin/stdout: one JSON command per line in, one JSON
/// answer per line out (see <c>bench/peers/common.js</c>). Its stderr is passed through.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly string _name;
    private readonly Lock _stdin = new();

    /// <summary>Called with n for every unsolicited <c>{"progress": n}</c> line (flow control), on the reader's thread.</summary>
    public Action<long>? Progress { get; set; }

    private NodeProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds
    {
        get
        {
            try
            {
                _process.Refresh();
                return _process.TotalProcessorTime.TotalSeconds;
            }
            catch (InvalidOperationException)
            {
                return 0;
            }
        }
    }

    public static NodeProcess Start(string peersDirectory, string name, string script, params string[] args)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = peersDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node {script}.");
        var node = new NodeProcess(process, name);
        _ = Task.Run(node.PumpAsync);
        return node;
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith("{\"progress\":", StringComparison.Ordinal))
                {
                    Progress?.Invoke(long.Parse(line.AsSpan(12, line.Length - 13), System.Globalization.CultureInfo.InvariantCulture));
                    continue;
                }

                try
                {
                    using var doc = JsonDocument.Parse(line);
                    await _lines.Writer.WriteAsync(doc.RootElement.Clone());
                }
                catch (JsonException)
                {
                    Console.Error.WriteLine($"[{_name}] {line}");
                }
            }
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    /// <summary>The next answer, or an exception after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var answer = await _lines.Reader.ReadAsync(cts.Token);
            if (answer.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False)
            {
                throw new InvalidOperationException($"{_name}: {answer.GetProperty("error").GetString()}");
            }

            return answer;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not answer within {timeout.TotalSeconds:0} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"{_name} exited (code {(_process.HasExited ? _process.ExitCode : -1)}).");
        }
    }

    public Task<JsonElement> CommandAsync(object command, TimeSpan timeout)
    {
        Send(JsonSerializer.Serialize(command));
        return NextAsync(timeout);
    }

    /// <summary>Writes one line to the script's stdin (from any thread), expecting no answer.</summary>
    public void Send(string line)
    {
        lock (_stdin)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("{\"cmd\":\"quit\"}");
                await _process.StandardInput.FlushAsync();
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
