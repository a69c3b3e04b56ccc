using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Bench;

/// <summary>
/// Runs <c>wrk</c> (the apt package) with <c>bench/peers/paths.lua</c>, which cycles through a file of request
/// paths, and reads its summary: requests, requests/s, latency percentiles, non-2xx/3xx answers and socket errors.
/// </summary>
internal static partial class Wrk
{
    public sealed record Result(long Requests, double Seconds, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms,
        long Non2xx3xx, long SocketErrors, double WrkCpu);

    public static async Task<Result> RunAsync(Uri server, string pathsFile, int threads, int connections, int seconds, IEnumerable<string>? headers = null)
    {
        var script = Machine.FindUp(Path.Combine("bench", "peers", "paths.lua")) ?? throw new FileNotFoundException("bench/peers/paths.lua");
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{seconds}s", "--latency", "--timeout", "5s", "-s", script })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var h in headers ?? [])
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add(h);
        }

        info.ArgumentList.Add(server.GetLeftPart(UriPartial.Authority));
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(pathsFile);
        var children0 = Machine.ReapedChildrenCpu();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start wrk (apt-get install wrk)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 30));
        await process.WaitForExitAsync(cts.Token);
        var cpu = Machine.ReapedChildrenCpu() - children0; // wrk's CPU, once it has been waited for
        var text = await stdout;
        if (process.ExitCode != 0 || !text.Contains("requests in", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {text}{await stderr}");
        }

        var total = Total().Match(text);
        var requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        var elapsed = Duration(total.Groups[2].Value) / 1000;
        var non = Non().Match(text) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = Socket().Match(text) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        double Percentile(string p) => Percent().Matches(text).First(m => m.Groups[1].Value == p) is var m ? Duration(m.Groups[2].Value) : double.NaN;
        return new Result(requests, elapsed, double.Parse(Rate().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile("50"), Percentile("90"), Percentile("99"), non, socket, cpu);
    }

    /// <summary>wrk's durations ("635.91us", "1.20ms", "2.00s", "1.00m") in milliseconds.</summary>
    private static double Duration(string value)
    {
        var m = Unit().Match(value);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => v / 1000,
            "ms" => v,
            "s" => v * 1000,
            "m" => v * 60_000,
            _ => throw new FormatException(value),
        };
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+\w+)")]
    private static partial Regex Total();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rate();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex Socket();

    [GeneratedRegex(@"^\s+(\d+)%\s+([\d.]+\w+)", RegexOptions.Multiline)]
    private static partial Regex Percent();

    [GeneratedRegex(@"^([\d.]+)(us|ms|s|m)$")]
    private static partial Regex Unit();
}
