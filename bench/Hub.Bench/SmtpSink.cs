using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Hub.Bench;

/// <summary>
/// Postfix's <c>smtp-sink</c> (apt package postfix) on a loopback port: accepts every message and, with <c>-c</c>,
/// prints a running "sess=… quit=… mesg=N" counter, which is read here to count accepted messages as they arrive.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private long _messages;

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
        _ = Task.Run(PumpAsync);
    }

    public int Port { get; }

    /// <summary>Messages accepted so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public static double Cpu(SmtpSink sink) => Machine.ProcessCpu(sink._process.Id);

    public static async Task<SmtpSink> StartAsync()
    {
        var port = Machine.FreePort();
        var binary = File.Exists("/usr/sbin/smtp-sink") ? "/usr/sbin/smtp-sink" : "smtp-sink";
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        if (Environment.UserName == "root")
        {
            info.ArgumentList.Add("-u"); // it refuses to run as root
            info.ArgumentList.Add("nobody");
        }

        info.ArgumentList.Add($"127.0.0.1:{port}");
        info.ArgumentList.Add("1000"); // listen backlog
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start smtp-sink (apt-get install postfix)");
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                Console.WriteLine($"smtp-sink: listening on 127.0.0.1:{port}");
                return new SmtpSink(process, port);
            }
            catch (System.Net.Sockets.SocketException) when (!process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("smtp-sink did not start");
    }

    /// <summary>Waits until <paramref name="count"/> messages have been accepted; the moment it happened (Stopwatch ticks), or null after <paramref name="timeout"/> without progress.</summary>
    public async Task<long?> WaitForAsync(long count, TimeSpan stalled)
    {
        var last = Messages;
        var since = Stopwatch.StartNew();
        while (Messages < count)
        {
            await Task.Delay(5);
            if (Messages != last)
            {
                last = Messages;
                since.Restart();
            }
            else if (since.Elapsed > stalled)
            {
                return null;
            }
        }

        return Stopwatch.GetTimestamp();
    }

    private async Task PumpAsync()
    {
        var reader = _process.StandardOutput;
        var buffer = new char[4096];
        var line = new StringBuilder();
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] is '\r' or '\n')
                {
                    var text = line.ToString();
                    var at = text.LastIndexOf("mesg=", StringComparison.Ordinal);
                    if (at >= 0 && long.TryParse(text.AsSpan(at + 5), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    {
                        Interlocked.Exchange(ref _messages, count);
                    }

                    line.Clear();
                }
                else
                {
                    line.Append(buffer[i]);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
