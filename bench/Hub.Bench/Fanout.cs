using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Hubs;
using Hub.Server.Modules.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Scenario 1, broadcast fan-out: N WebSocket clients (in a separate Node process) and a server that
/// broadcasts a small <c>notification.push</c> (a) as fast as it can for a fixed time and (b) at a fixed
/// rate. Targets: Hub's <c>/hubs/client</c> (hosted here, broadcasting through
/// <c>IHubContext&lt;ClientHub, IEndUserClient&gt;</c>), the npm <c>ws</c> server and socket.io 4.
/// </summary>
internal static class Fanout
{
    public sealed record Options(int Clients, int Seconds, int Rate, IReadOnlyList<string> Targets, string PeersDirectory, string? MarkdownOut,
        int QuietWaitSeconds, int Repeat, IReadOnlyList<string> Modes, int Window);

    private sealed record Run(string Target, string Mode, long Sent, long Received, long Expected, double DeliveredPerSecond,
        double? P50, double? P99, double? P999, double Max, double ServerCpu, double ClientCpu, double OthersCpu, long MinPerClient, string Load,
        double ServerUsPerMessage, double ClientUsPerMessage);

    public static readonly string[] AllTargets = ["ws", "socketio", "hub", "hub-msgpack"];

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>CLOCK_MONOTONIC in microseconds: the clock the Node side reads with process.hrtime().</summary>
    public static long NowUs() => (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"fan-out: {options.Clients} clients, {options.Seconds} s per run, fixed rate {options.Rate}/s, targets {string.Join(", ", options.Targets)}, {options.Repeat} round(s)");
        var runs = new List<Run>();
        HubHost? hub = null;
        string? tokenFile = null;
        try
        {
            for (var repeat = 1; repeat <= options.Repeat; repeat++)
            {
                foreach (var target in options.Targets)
                {
                    if (target.StartsWith("hub", StringComparison.Ordinal) && hub is null)
                    {
                        var started = Stopwatch.StartNew();
                        hub = new HubHost();
                        hub.Start();
                        tokenFile = Path.GetTempFileName();
                        await File.WriteAllLinesAsync(tokenFile, await hub.MintTokensAsync(options.Clients, TimeSpan.FromHours(1)));
                        Console.WriteLine($"hub: listening on {hub.Address} (started and {options.Clients} tokens minted in {started.Elapsed.TotalSeconds:0.0} s)");
                    }

                    if (options.Repeat > 1)
                    {
                        Console.WriteLine($"-- round {repeat}/{options.Repeat}: {target}");
                    }

                    runs.AddRange(await RunTargetAsync(target, options, hub, tokenFile));
                }
            }
        }
        finally
        {
            if (hub is not null)
            {
                await hub.DisposeAsync();
            }

            if (tokenFile is not null)
            {
                File.Delete(tokenFile);
            }
        }

        var table = Table(runs, options);
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.MarkdownOut is { } path)
        {
            await File.WriteAllTextAsync(path, table);
        }

        Console.WriteLine($"fan-out: done in {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task<IReadOnlyList<Run>> RunTargetAsync(string target, Options options, HubHost? hub, string? tokenFile)
    {
        NodeProcess? server = null;
        string url;
        string clientKind;
        Func<int, int, Task<JsonElement>> broadcast; // (seconds, rate: 0 = as fast as it can)
        Func<double> serverCpu;
        var results = new List<Run>();
        var flow = new FlowControl();
        try
        {
            if (target is "ws" or "socketio")
            {
                server = NodeProcess.Start(options.PeersDirectory, $"{target} server", "server.js", "--kind", target);
                var port = (await server.NextAsync(CommandTimeout)).GetProperty("port").GetInt32();
                url = target == "ws" ? $"ws://127.0.0.1:{port}" : $"http://127.0.0.1:{port}";
                clientKind = target;
                var s = server;
                broadcast = (seconds, rate) => s.CommandAsync(new { cmd = "run", seconds, rate, window = options.Window }, TimeSpan.FromSeconds(seconds + 30));
                serverCpu = () => s.CpuSeconds;
            }
            else
            {
                url = new Uri(hub!.Address, "/hubs/client").ToString();
                clientKind = target == "hub-msgpack" ? "signalr-msgpack" : "signalr";
                var context = hub.Services.GetRequiredService<IHubContext<ClientHub, IEndUserClient>>();
                broadcast = (seconds, rate) => HubBroadcastAsync(context, seconds, rate, options.Window, flow);
                serverCpu = () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            }

            var clientArgs = new List<string> { "--kind", clientKind, "--url", url, "--clients", options.Clients.ToString(CultureInfo.InvariantCulture) };
            if (tokenFile is not null && target.StartsWith("hub", StringComparison.Ordinal))
            {
                clientArgs.AddRange(["--tokens", tokenFile]);
            }

            await using var clients = NodeProcess.Start(options.PeersDirectory, $"{target} clients", "clients.js", [.. clientArgs]);
            await clients.NextAsync(CommandTimeout);
            var peerServer = server;
            clients.Progress = peerServer is null
                ? flow.Ack
                : seq => peerServer.Send($"{{\"cmd\":\"ack\",\"seq\":{seq}}}");
            await clients.CommandAsync(new { cmd = "progress", on = true }, CommandTimeout);
            await CheckClockAsync(clients);
            var connected = await clients.CommandAsync(new { cmd = "connect" }, TimeSpan.FromSeconds(90));
            var connectedCount = connected.GetProperty("connected").GetInt32();
            Console.WriteLine($"{target}: {connectedCount} clients connected in {connected.GetProperty("connectMs").GetInt32()} ms ({connected.GetProperty("failed").GetInt32()} failed)");
            if (server is not null)
            {
                var count = (await server.CommandAsync(new { cmd = "count" }, CommandTimeout)).GetProperty("connections").GetInt32();
                if (count != connectedCount)
                {
                    Console.WriteLine($"{target}: the server counts {count} connections");
                }
            }

            await Task.Delay(1000); // let connection bookkeeping settle (Hub: presence, pending pushes)

            // Warm-up, not measured: 1 s as fast as it can (JIT on both sides), then let it drain.
            await broadcast(1, 0);
            await DrainAsync(clients, long.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
            foreach (var (mode, rate) in new[] { ("max", 0), ("rate", options.Rate) }.Where(m => options.Modes.Contains(m.Item1)))
            {
                await WaitForQuietAsync(target, options.QuietWaitSeconds);
                await clients.CommandAsync(new { cmd = "reset" }, CommandTimeout);
                var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                var (server0, clients0, machine0) = (serverCpu(), clients.CpuSeconds, MachineCpu());
                var wall = Stopwatch.StartNew();
                var sentAnswer = await broadcast(options.Seconds, rate);
                var sent = sentAnswer.GetProperty("sent").GetInt64();
                var startUs = sentAnswer.GetProperty("startUs").GetInt64();
                var expected = sent * connectedCount;

                // Wait for what is still in flight: until every message arrived, or nothing more came for
                // 2 s, or 30 s at most (a run that lost messages says so in received / expected).
                var report = await DrainAsync(clients, expected, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
                var seconds = wall.Elapsed.TotalSeconds;
                var (server1, clients1, machine1) = (serverCpu(), clients.CpuSeconds, MachineCpu());
                var others = Math.Max(0, (machine1 - machine0 - (server1 - server0) - (clients1 - clients0)) / seconds);
                var got = report.GetProperty("received").GetInt64();
                var lastUs = report.GetProperty("lastUs").GetInt64();
                var run = new Run(target, mode, sent, got, expected,
                    got == 0 ? 0 : got / ((lastUs - startUs) / 1e6),
                    Number(report, "p50"), Number(report, "p99"), Number(report, "p999"), report.GetProperty("max").GetDouble(),
                    (server1 - server0) / seconds, (clients1 - clients0) / seconds, others, report.GetProperty("minPerClient").GetInt64(), load,
                    got == 0 ? 0 : (server1 - server0) * 1e6 / got, got == 0 ? 0 : (clients1 - clients0) * 1e6 / got);
                results.Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{target} {mode}: sent {sent} broadcasts, received {got}/{expected}, {run.DeliveredPerSecond:0} msg/s, p50 {run.P50:0.00} ms, p99 {run.P99:0.00} ms, max {run.Max:0.0} ms; cpu server {run.ServerCpu:0.00} clients {run.ClientCpu:0.00} other processes {run.OthersCpu:0.00} (cores); CPU per delivered message: server {run.ServerUsPerMessage:0.00} µs, clients {run.ClientUsPerMessage:0.00} µs; load {load}"));
            }
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        // Hub: let it process the disconnects before the next target starts.
        await Task.Delay(target.StartsWith("hub", StringComparison.Ordinal) ? 3000 : 1000);
        return results;
    }

    private static async Task<JsonElement> DrainAsync(NodeProcess clients, long expected, TimeSpan quietFor, TimeSpan atMost)
    {
        var drain = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        long previous = -1;
        while (true)
        {
            var report = await clients.CommandAsync(new { cmd = "report" }, CommandTimeout);
            var received = report.GetProperty("received").GetInt64();
            if (received != previous)
            {
                quiet.Restart();
                previous = received;
            }

            if (received >= expected || quiet.Elapsed > quietFor || drain.Elapsed > atMost)
            {
                return report;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Broadcasts through the hub context, as product events go out (only to all instead of one stream's group).</summary>
    private static async Task<JsonElement> HubBroadcastAsync(IHubContext<ClientHub, IEndUserClient> hub, int seconds, int rate, int window, FlowControl flow)
    {
        var notificationId = Guid.Parse("0b7e3c3a-8d57-4b8e-9a44-1f2d3c4b5a69");
        long seq = 0;
        flow.Reset();
        var start = NowUs();
        var end = start + seconds * 1_000_000L;
        if (rate <= 0)
        {
            // As fast as it can: SendAsync to all completes once every connection took the message, and
            // waits while a connection's buffer is over its limit (64 KB by default) — the backpressure.
            // And, as for the peers, never more than `window` broadcasts ahead of the slowest client.
            while (NowUs() < end)
            {
                await hub.Clients.All.NotificationPush(Event(notificationId, ++seq));
                while (window > 0 && seq - flow.Acked >= window && NowUs() < end)
                {
                    await Task.Delay(1);
                }
            }
        }
        else
        {
            var interval = 1_000_000.0 / rate;
            for (var i = 0; ; i++)
            {
                var due = start + (long)(i * interval);
                if (due >= end)
                {
                    break;
                }

                var wait = due - NowUs();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(wait));
                }

                await hub.Clients.All.NotificationPush(Event(notificationId, ++seq));
            }
        }

        return JsonSerializer.SerializeToElement(new { sent = seq, startUs = start, endUs = NowUs() });
    }

    /// <summary>The lowest broadcast sequence number every client has seen, as the client process reports it.</summary>
    private sealed class FlowControl
    {
        private long _acked;

        public long Acked => Volatile.Read(ref _acked);

        public void Ack(long seq)
        {
            if (seq > Volatile.Read(ref _acked))
            {
                Volatile.Write(ref _acked, seq);
            }
        }

        public void Reset() => Volatile.Write(ref _acked, 0);
    }

    private static StreamEvent<PushNotificationMessage> Event(Guid notificationId, long seq)
    {
        var t = NowUs();
        var now = DateTimeOffset.UtcNow;
        return new StreamEvent<PushNotificationMessage>("bench", seq, RealtimeEventNames.NotificationPush, now,
            new PushNotificationMessage(notificationId, "bench", "Fan-out", "A small broadcast for the benchmark.",
                new Dictionary<string, object?> { ["t"] = t }, "normal", now));
    }

    /// <summary>Latency subtracts a Node timestamp from a .NET one: check both read the same clock.</summary>
    private static async Task CheckClockAsync(NodeProcess clients)
    {
        var before = NowUs();
        var node = (await clients.CommandAsync(new { cmd = "clock" }, CommandTimeout)).GetProperty("nowUs").GetInt64();
        var after = NowUs();
        if (node < before - 1000 || node > after + 1000)
        {
            throw new InvalidOperationException($"Node's clock ({node} µs) is not .NET's ({before}..{after} µs): latency would be meaningless.");
        }
    }

    /// <summary>
    /// The machine is shared (other engineers build on it): before a run, wait up to
    /// <paramref name="maxSeconds"/> for a second in which the whole machine used under 0.25 cores.
    /// </summary>
    private static async Task WaitForQuietAsync(string target, int maxSeconds)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed.TotalSeconds < maxSeconds)
        {
            var before = MachineCpu();
            await Task.Delay(1000);
            if (MachineCpu() - before < 0.25)
            {
                break;
            }
        }

        if (waited.Elapsed.TotalSeconds > 1.5)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: waited {waited.Elapsed.TotalSeconds:0} s for the machine to go quiet"));
        }
    }

    /// <summary>CPU seconds every process on the machine has used (busy jiffies of /proc/stat).</summary>
    public static double MachineCpu()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var busy = f.Take(8).Sum() - f[3] - f[4]; // all but idle and iowait (guest time is inside user)
        return busy / 100.0; // USER_HZ
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static string Table(IReadOnlyList<Run> runs, Options options)
    {
        var ci = CultureInfo.InvariantCulture;
        string Rate(double v) => v.ToString("#,0", ci);
        string Ms(double? v) => v is { } d ? d.ToString("0.00", ci) : "–";
        string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? (x / y).ToString("0.00", ci) + "×" : "–";
        // With several rounds, each figure is the median over the rounds (taken figure by figure).
        Run? Find(string target, string mode)
        {
            var all = runs.Where(r => r.Target == target && r.Mode == mode).ToList();
            return all.Count == 0 ? null : all[0] with
            {
                DeliveredPerSecond = Median(all.Select(r => r.DeliveredPerSecond)),
                P50 = Median(all.Select(r => r.P50 ?? double.NaN)),
                P99 = Median(all.Select(r => r.P99 ?? double.NaN)),
            };
        }

        var hubTargets = runs.Select(r => r.Target).Where(t => t.StartsWith("hub", StringComparison.Ordinal)).Distinct().ToList();
        var sb = new StringBuilder();
        var mem = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var rounds = options.Repeat > 1 ? $", median of {options.Repeat} rounds (targets interleaved)" : "";
        sb.AppendLine(ci, $"Fan-out, {options.Clients} clients, {options.Seconds} s per run{rounds} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {long.Parse(mem, ci) / 1024 / 1024} GiB, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; clients and server share the cores");
        sb.AppendLine();
        sb.AppendLine("| run | metric | target | Hub | ws | socket.io | Hub/ws | Hub/socket.io |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var (mode, label) in new[] { ("max", "as fast as it can"), ("rate", $"{options.Rate} broadcasts/s") }.Where(m => runs.Any(r => r.Mode == m.Item1)))
        {
            foreach (var hubTarget in hubTargets)
            {
                var h = Find(hubTarget, mode);
                var w = Find("ws", mode);
                var s = Find("socketio", mode);
                var name = hubTarget == "hub-msgpack" ? "Hub (MessagePack)" : "Hub (JSON)";
                sb.AppendLine(ci, $"| {label} | delivered msg/s | {name} | {(h is null ? "–" : Rate(h.DeliveredPerSecond))} | {(w is null ? "–" : Rate(w.DeliveredPerSecond))} | {(s is null ? "–" : Rate(s.DeliveredPerSecond))} | {Ratio(h?.DeliveredPerSecond, w?.DeliveredPerSecond)} | {Ratio(h?.DeliveredPerSecond, s?.DeliveredPerSecond)} |");
                sb.AppendLine(ci, $"| {label} | p50 latency ms | {name} | {Ms(h?.P50)} | {Ms(w?.P50)} | {Ms(s?.P50)} | {Ratio(h?.P50, w?.P50)} | {Ratio(h?.P50, s?.P50)} |");
                sb.AppendLine(ci, $"| {label} | p99 latency ms | {name} | {Ms(h?.P99)} | {Ms(w?.P99)} | {Ms(s?.P99)} | {Ratio(h?.P99, w?.P99)} | {Ratio(h?.P99, s?.P99)} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("Per run: broadcasts sent, messages received / expected, slowest client's count, CPU used (cores, over the run and its drain) by the server, the clients and every other process on the machine (other engineers' builds: noise), CPU time per delivered message (server, clients: robust to that noise), 1-min load average at start.");
        sb.AppendLine();
        sb.AppendLine("| target | run | broadcasts | received / expected | min per client | p99.9 ms | max ms | server cpu | clients cpu | others cpu | server µs/msg | clients µs/msg | load |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            sb.AppendLine(ci, $"| {r.Target} | {(r.Mode == "max" ? "max" : $"{options.Rate}/s")} | {r.Sent:#,0} | {r.Received:#,0} / {r.Expected:#,0} | {r.MinPerClient:#,0} | {Ms(r.P999)} | {r.Max:0.0} | {r.ServerCpu:0.00} | {r.ClientCpu:0.00} | {r.OthersCpu:0.00} | {r.ServerUsPerMessage:0.00} | {r.ClientUsPerMessage:0.00} | {r.Load} |");
        }

        return sb.ToString();
    }
}
