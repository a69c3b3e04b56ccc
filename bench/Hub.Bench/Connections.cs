using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Hub.Bench;

/// <summary>
/// Scenario 3, connections: ramp to N idle, authenticated WebSocket connections from a separate Node process
/// (50 connecting at a time) and hold them; connects/s and server memory per connection (working set / RSS delta
/// over N, measured after a warm-up of 200 connections that were closed again). Hub: <c>/hubs/client</c> with the
/// official <c>@microsoft/signalr</c> client and one end-user token per connection (N distinct users, so a contact is
/// created for each on first connect). Peer: socket.io 4 with an HS256 JWT checked in a handshake middleware and
/// each socket joined to its user's room, <c>socket.io-client</c> connections.
/// </summary>
internal static class Connections
{
    public sealed record Options(int Clients, int HoldSeconds, int Concurrency, string PeersDirectory, int QuietWaitSeconds);

    private sealed record Run(string Target, int Connected, int Failed, int Open, double ConnectSeconds, long MemoryBefore, long MemoryAfter, long? ManagedDelta, string Load);

    private const int Warm = 200;

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"connections: {options.Clients} idle connections, {options.Concurrency} connecting at a time, held {options.HoldSeconds} s; {Machine.Describe()}");
        var runs = new List<Run> { await HubAsync(options), await SocketIoAsync(options) };

        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"Connections, {options.Clients:#,0} idle authenticated WebSocket connections from one Node process ({options.Concurrency} connecting at a time) — {Machine.Describe()}; clients and server share the cores");
        sb.AppendLine();
        sb.AppendLine("| metric | Hub /hubs/client | socket.io 4 | Hub/socket.io |");
        sb.AppendLine("|---|---:|---:|---:|");
        var (h, s) = (runs[0], runs[1]);
        double PerConn(Run r) => (r.MemoryAfter - r.MemoryBefore) / 1024.0 / Math.Max(1, r.Connected);
        double Rate(Run r) => r.Connected / r.ConnectSeconds;
        sb.AppendLine(ci, $"| server memory per connection (KB, RSS delta / n) | {PerConn(h):0.0} | {PerConn(s):0.0} | {PerConn(h) / PerConn(s):0.00}× |");
        sb.AppendLine(ci, $"| connects/s (new users) | {Rate(h):#,0} | {Rate(s):#,0} | {Rate(h) / Rate(s):0.00}× |");
        sb.AppendLine();
        sb.AppendLine("| target | connected | failed | still open after hold | connect s | RSS before MB | RSS after MB | managed heap delta / n (KB) | load |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            sb.AppendLine(ci, $"| {r.Target} | {r.Connected:#,0} | {r.Failed} | {r.Open:#,0} | {r.ConnectSeconds:0.0} | {r.MemoryBefore / 1048576.0:0} | {r.MemoryAfter / 1048576.0:0} | {(r.ManagedDelta is { } m ? (m / 1024.0 / Math.Max(1, r.Connected)).ToString("0.0", ci) : "–")} | {r.Load} |");
        }

        Console.WriteLine();
        Console.WriteLine(sb);
        Console.WriteLine($"connections: done in {total.Elapsed.TotalSeconds:0} s");
        return runs.All(r => r.Connected == options.Clients && r.Open == options.Clients) ? 0 : 1;
    }

    private static async Task<Run> HubAsync(Options options)
    {
        await using var hub = new HubHost();
        hub.Start();
        var url = new Uri(hub.Address, "/hubs/client").ToString();
        var tokens = await hub.MintTokensAsync(options.Clients + Warm, TimeSpan.FromHours(2));
        var warmFile = Path.GetTempFileName();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(warmFile, tokens.Skip(options.Clients));
            await File.WriteAllLinesAsync(file, tokens.Take(options.Clients));
            await ConnectAsync(options, "hub warm-up", "signalr", url, warmFile, Warm, hold: 0, measure: null);
            await Task.Delay(3000); // the disconnects are processed
            return await ConnectAsync(options, "hub", "signalr", url, file, options.Clients, options.HoldSeconds, new HubMemory());
        }
        finally
        {
            File.Delete(warmFile);
            File.Delete(file);
        }
    }

    private static async Task<Run> SocketIoAsync(Options options)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await using var server = NodeProcess.Start(options.PeersDirectory, "socket.io server", "server.js", "--kind", "socketio", "--jwt-secret", secret);
        var port = (await server.NextAsync(TimeSpan.FromSeconds(30))).GetProperty("port").GetInt32();
        var url = $"http://127.0.0.1:{port}";
        var file = Path.GetTempFileName();
        try
        {
            var exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
            await File.WriteAllLinesAsync(file, Enumerable.Range(0, options.Clients + Warm).Select(i => Jwt(secret, $"bench-user-{i}", exp)));
            await ConnectAsync(options, "socket.io warm-up", "socketio", url, file, Warm, hold: 0, measure: null);
            await Task.Delay(3000);
            return await ConnectAsync(options, "socket.io", "socketio", url, file, options.Clients, options.HoldSeconds, new NodeMemory(server));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<Run> ConnectAsync(Options options, string target, string kind, string url, string tokens, int count, int hold, IServerMemory? measure)
    {
        await using var clients = NodeProcess.Start(options.PeersDirectory, $"{target} clients", "clients.js", "--kind", kind, "--url", url,
            "--clients", count.ToString(CultureInfo.InvariantCulture), "--tokens", tokens, "--concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--connect-timeout", "900000");
        await clients.NextAsync(TimeSpan.FromSeconds(30));
        if (measure is not null)
        {
            await Machine.WaitForQuietAsync(target, options.QuietWaitSeconds);
        }

        var load = Machine.Load();
        var (before, managedBefore) = measure is null ? (0, 0) : await measure.ReadAsync();
        var connected = await clients.CommandAsync(new { cmd = "connect" }, TimeSpan.FromMinutes(16));
        var ok = connected.GetProperty("connected").GetInt32();
        var failed = connected.GetProperty("failed").GetInt32();
        var seconds = connected.GetProperty("connectMs").GetInt32() / 1000.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: {ok} connected ({failed} failed) in {seconds:0.0} s = {ok / seconds:0} connects/s"));
        if (measure is null)
        {
            return new Run(target, ok, failed, ok, seconds, 0, 0, null, load);
        }

        await Task.Delay(TimeSpan.FromSeconds(hold));
        var (after, managedAfter) = await measure.ReadAsync();
        var open = (await clients.CommandAsync(new { cmd = "report" }, TimeSpan.FromSeconds(30))).GetProperty("open").GetInt32();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target}: after {hold} s idle {open} open; server RSS {before / 1048576.0:0} → {after / 1048576.0:0} MB = {(after - before) / 1024.0 / Math.Max(1, ok):0.0} KB per connection; load {load}"));
        return new Run(target, ok, failed, open, seconds, before, after, measure is HubMemory ? managedAfter - managedBefore : null, load);
    }

    private interface IServerMemory
    {
        /// <summary>Resident set (bytes) and, for .NET, the managed heap after a full collection.</summary>
        Task<(long Rss, long Managed)> ReadAsync();
    }

    /// <summary>Hub runs in this process: its working set, and what the GC keeps after a full blocking collection.</summary>
    private sealed class HubMemory : IServerMemory
    {
        public Task<(long Rss, long Managed)> ReadAsync()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var self = Process.GetCurrentProcess();
            return Task.FromResult((self.WorkingSet64, managed));
        }
    }

    private sealed class NodeMemory(NodeProcess server) : IServerMemory
    {
        public async Task<(long Rss, long Managed)> ReadAsync()
        {
            var m = await server.CommandAsync(new { cmd = "memory" }, TimeSpan.FromSeconds(30));
            return (m.GetProperty("rss").GetInt64(), m.GetProperty("heapUsed").GetInt64());
        }
    }

    private static string Jwt(string secret, string subject, long exp)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var head = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var body = B64(JsonSerializer.SerializeToUtf8Bytes(new { sub = subject, exp }));
        var sig = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{head}.{body}")));
        return $"{head}.{body}.{sig}";
    }
}
