using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

/// <summary>What every table states about the box it was measured on, and the CPU other processes take.</summary>
internal static class Machine
{
    /// <summary>"2 cores, 23 GiB, .NET 10.0.x, 2026-11-23 21:10 UTC, load 1.23".</summary>
    public static string Describe()
    {
        var mem = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, {long.Parse(mem, CultureInfo.InvariantCulture) / 1024 / 1024} GiB, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, 1-min load {Load()}");
    }

    /// <summary>The 1-minute load average.</summary>
    public static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>CPU seconds this process has used.</summary>
    public static double OwnCpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>CPU seconds (user + system) of the process <paramref name="pid"/> and its children that have been waited for.</summary>
    public static double ProcessCpu(int pid)
    {
        try
        {
            // /proc/PID/stat fields 14-17: utime, stime, cutime, cstime (clock ticks), after the ") " that ends the name.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return f.Skip(11).Take(4).Sum(v => long.Parse(v, CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU seconds of this process's children that have exited and been waited for (cutime + cstime).</summary>
    public static double ReapedChildrenCpu()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return f.Skip(13).Take(2).Sum(v => long.Parse(v, CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Sum of <see cref="ProcessCpu"/> over every process whose command name is <paramref name="comm"/> (e.g. postgres, nginx).</summary>
    public static double CpuOf(string comm)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == comm)
                    {
                        total += ProcessCpu(pid);
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        return total;
    }

    /// <summary>Waits up to <paramref name="maxSeconds"/> for a second in which the whole machine used under 0.25 cores.</summary>
    public static async Task WaitForQuietAsync(string what, int maxSeconds)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed.TotalSeconds < maxSeconds)
        {
            var before = Fanout.MachineCpu();
            await Task.Delay(1000);
            if (Fanout.MachineCpu() - before < 0.25)
            {
                break;
            }
        }

        if (waited.Elapsed.TotalSeconds > 1.5)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: waited {waited.Elapsed.TotalSeconds:0} s for the machine to go quiet"));
        }
    }

    /// <summary>Median of a non-empty sequence.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A free loopback TCP port (bound then released).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A file or directory found by walking up from the working directory or this assembly's.</summary>
    public static string? FindUp(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
