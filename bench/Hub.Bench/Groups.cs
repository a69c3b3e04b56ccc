using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth.Api;
using Hub.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Scenario 2, group messaging with typing: C conversations of M members each (100 × 10), every member typing and then
/// sending a message at a per-member rate, all clients in one Node process (<c>peers/groups.js</c>). The rate is stepped
/// (doubling from <c>--start</c> up to <c>--max</c>, or halving down to <c>--min</c> when the start already fails) to find the
/// highest rate held with p99 (send → receipt at every other member) under the limit and every message delivered.
/// Hub: a conversation is what Hub's realtime contracts make a group — a web-chat conversation whose contact is on
/// <c>/hubs/client</c> and whose workspace's agents are on <c>/hubs/agent</c> (one workspace per conversation, so each
/// agent hears exactly its own conversation); they type (<c>typing.start</c> / <c>typing.stop</c>) and send
/// (<c>message.send</c>) through the hub methods the web-chat widget and the agent inbox call, and every message is stored
/// in PostgreSQL (or SQLite) before it is pushed. Peer: socket.io 4 rooms (<c>peers/rooms.js</c>), the same group sizes,
/// payload shape, typing rules and client process.
/// </summary>
internal static class Groups
{
    public sealed record Options(int Conversations, int Members, int Seconds, int Warmup, double Start, double Min, double Max, double P99LimitMs,
        IReadOnlyList<string> Targets, string Store, int QuietWaitSeconds, int Repeat, bool Typing, string PeersDirectory);

    /// <summary>One measured step: the Node client's report plus the CPU every party used over it.</summary>
    private sealed record StepRun(double Rate, JsonElement Report, double Seconds, double ServerCpu, double ClientsCpu, double PostgresCpu, double OthersCpu, string Load, bool UsesDatabase)
    {
        public double P50 => Report.GetProperty("p50").ValueKind == JsonValueKind.Number ? Report.GetProperty("p50").GetDouble() : double.NaN;

        public double P99 => Report.GetProperty("p99").ValueKind == JsonValueKind.Number ? Report.GetProperty("p99").GetDouble() : double.NaN;

        public double Delivered => Report.GetProperty("deliveredPerSec").GetDouble();

        /// <summary>
        /// Server CPU (ms) per message sent over the step, warm-up included: the message, its two typing calls and its deliveries;
        /// for Hub, PostgreSQL's CPU too (the peer stores nothing).
        /// </summary>
        public double CpuMsPerMessage => (ServerCpu + (UsesDatabase ? PostgresCpu : 0)) * Seconds * 1000 / Math.Max(1, Report.GetProperty("sentAll").GetInt64());

        public double DeliveryRatio => Report.GetProperty("expected").GetInt64() is var e and > 0 ? Report.GetProperty("received").GetInt64() / (double)e : 0;

        public double ErrorRatio => Report.GetProperty("errors").GetInt64() / Math.Max(1.0, Report.GetProperty("due").GetInt64());

        /// <summary>The client stopped sending: over 1 % of the step's messages waited more than a second for their answer.</summary>
        public bool Aborted => Report.GetProperty("aborted").GetBoolean();
    }

    /// <summary>A rate's runs (one per <c>--repeat</c>) and their medians.</summary>
    private sealed record Step(double Rate, IReadOnlyList<StepRun> Runs, double LimitMs)
    {
        public double P50 => Machine.Median(Runs.Select(r => r.P50));

        public double P99 => Machine.Median(Runs.Select(r => r.P99));

        public double Delivered => Machine.Median(Runs.Select(r => r.Delivered));

        public double DeliveryRatio => Machine.Median(Runs.Select(r => r.DeliveryRatio));

        public double ErrorRatio => Machine.Median(Runs.Select(r => r.ErrorRatio));

        public double CpuMsPerMessage => Machine.Median(Runs.Select(r => r.CpuMsPerMessage));

        public bool Held => !Runs.Any(r => r.Aborted) && P99 < LimitMs && DeliveryRatio >= 0.999 && ErrorRatio < 0.001;
    }

    private sealed record TargetResult(string Target, string Label, IReadOnlyList<Step> Steps, double IdleCpu)
    {
        public Step? Best => Steps.Where(s => s.Held).MaxBy(s => s.Rate);
    }

    public static readonly string[] AllTargets = ["hub", "socketio"];

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"groups: {options.Conversations} conversations × {options.Members} members, typing {(options.Typing ? "on" : "off")}, {options.Warmup} + {options.Seconds} s per step, rates {options.Start}→[{options.Min}, {options.Max}] msg/s per member, p99 < {options.P99LimitMs} ms, repeat {options.Repeat}; Hub on {options.Store}; {Machine.Describe()}"));
        var results = new List<TargetResult>();
        foreach (var target in options.Targets)
        {
            results.Add(target == "hub" ? await HubAsync(options) : await SocketIoAsync(options));
        }

        Console.WriteLine();
        Console.WriteLine(Table(options, results));
        Console.WriteLine(string.Create(ci, $"groups: done in {total.Elapsed.TotalSeconds:0} s"));
        return results.All(r => r.Steps.Count > 0) ? 0 : 1;
    }

    private static async Task<TargetResult> HubAsync(Options options)
    {
        await using var database = options.Store == "postgres" ? await PostgresDatabase.CreateAsync("hub_bench_groups") : null;
        var ci = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
            // An overloaded step makes Hub log every failed call (e.g. its connection pool exhausted); the client counts and
            // reports them (errors, last error), so the console keeps to the tables.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Critical",
            ["Logging:LogLevel:Microsoft.AspNetCore.SignalR"] = "Critical",
            // Hub's per-connection limits (10 messages/s, 20 signals/s by default) would refuse the top steps: raised to
            // fit --max (typing is two signals per message), and printed with the table.
            ["Realtime:MessagesPerSecond"] = Math.Max(10, (int)Math.Ceiling(options.Max * 2)).ToString(ci),
            ["Realtime:MessageBurst"] = Math.Max(20, (int)Math.Ceiling(options.Max * 4)).ToString(ci),
            ["Realtime:SignalsPerSecond"] = Math.Max(20, (int)Math.Ceiling(options.Max * 4)).ToString(ci),
            ["Realtime:SignalBurst"] = Math.Max(40, (int)Math.Ceiling(options.Max * 8)).ToString(ci),
        };
        if (database is not null)
        {
            settings["ConnectionStrings:Postgres"] = database.ConnectionString;
        }

        await using var hub = new HubHost(settings);
        hub.Start();
        var setup = Stopwatch.StartNew();
        var groups = await ProvisionAsync(hub, options);
        Console.WriteLine(string.Create(ci, $"hub: {hub.Address} ({options.Store}); {options.Conversations} workspaces with {options.Members - 1} agents and a web-chat contact each, provisioned in {setup.Elapsed.TotalSeconds:0.0} s"));
        var config = new
        {
            groups = groups.Select(g => new
            {
                members = g.Select(m => new { url = new Uri(hub.Address, m.Role == "user" ? "/hubs/client" : "/hubs/agent").ToString(), token = m.Token, userId = m.UserId, role = m.Role }),
            }),
        };
        return await MeasureAsync(options, "hub", "Hub (/hubs/agent + /hubs/client)", "signalr", config, Machine.OwnCpu);
    }

    private sealed record Member(string Role, string UserId, string Token);

    /// <summary>One workspace per conversation: M − 1 agents (member JWTs from Hub's own issuer) and the contact's end-user token.</summary>
    private static async Task<List<List<Member>>> ProvisionAsync(HubHost hub, Options options)
    {
        var groups = new List<Member>[options.Conversations];
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Conversations), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (g, ct) =>
        {
            await using var scope = hub.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<HubDbContext>();
            var workspace = new Workspace
            {
                Name = $"Bench group {g}",
                Slug = $"bench-group-{g}",
                ClientTokenSecret = WorkspaceProvisioner.NewClientTokenSecret(),
                CreatedAt = now,
            };
            db.Workspaces.Add(workspace);
            await db.SaveChangesAsync(ct);
            sp.GetRequiredService<ScopedWorkspaceContext>().Use(workspace.Id);
            var users = sp.GetRequiredService<UserManager<Hub.Core.Members.Member>>();
            var issuer = sp.GetRequiredService<MemberTokenIssuer>();
            var userId = $"bench-g{g}-user";
            var list = new List<Member> { new("user", userId, ClientTokensApi.Mint(workspace.ClientTokenSecret, workspace.Id, userId, now, now.AddHours(2))) };
            for (var a = 1; a < options.Members; a++)
            {
                var email = $"agent{a}.g{g}@bench.hub.test";
                var member = new Hub.Core.Members.Member
                {
                    WorkspaceId = workspace.Id,
                    UserName = email,
                    Email = email,
                    EmailConfirmed = true,
                    DisplayName = $"Agent {a} of group {g}",
                    CreatedAt = now,
                };
                Check(await users.CreateAsync(member));
                Check(await users.AddToRoleAsync(member, MemberRole.Agent));
                list.Add(new("agent", member.Id.ToString(), issuer.Issue(member, [MemberRole.Agent]).Token));
            }

            groups[g] = list;
        });
        return [.. groups];

        static void Check(IdentityResult result)
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
            }
        }
    }

    private static async Task<TargetResult> SocketIoAsync(Options options)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await using var server = NodeProcess.Start(options.PeersDirectory, "socket.io rooms server", "rooms.js", "--jwt-secret", secret);
        var port = (await server.NextAsync(TimeSpan.FromSeconds(30))).GetProperty("port").GetInt32();
        var url = $"http://127.0.0.1:{port}";
        var exp = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
        var config = new
        {
            groups = Enumerable.Range(0, options.Conversations).Select(g =>
            {
                var room = Guid.NewGuid().ToString(); // the same length as Hub's conversation ids
                return new
                {
                    conversationId = room,
                    members = Enumerable.Range(0, options.Members).Select(i =>
                    {
                        var (role, user) = i == 0 ? ("user", $"bench-g{g}-user") : ("agent", Guid.NewGuid().ToString());
                        return new { url, token = Jwt(secret, user, room, role, exp), userId = user, role };
                    }),
                };
            }),
        };
        Console.WriteLine($"socketio: rooms server on {url}");
        return await MeasureAsync(options, "socketio", "socket.io rooms", "socketio", config, () => server.CpuSeconds);
    }

    private static async Task<TargetResult> MeasureAsync(Options options, string target, string label, string kind, object config, Func<double> serverCpu)
    {
        var ci = CultureInfo.InvariantCulture;
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(config));
            await using var clients = NodeProcess.Start(options.PeersDirectory, $"{target} clients", "groups.js", "--kind", kind, "--config", file);
            await clients.NextAsync(TimeSpan.FromSeconds(30));
            var connected = await clients.CommandAsync(new { cmd = "connect" }, TimeSpan.FromMinutes(5));
            var members = options.Conversations * options.Members;
            Console.WriteLine(string.Create(ci, $"{target}: {connected.GetProperty("connected").GetInt32()} / {members} connected in {connected.GetProperty("connectMs").GetInt32() / 1000.0:0.0} s, conversations opened in {connected.GetProperty("setupMs").GetInt32() / 1000.0:0.0} s"));
            if (connected.GetProperty("connected").GetInt32() != members)
            {
                return new TargetResult(target, label, [], double.NaN);
            }

            var steps = new List<Step>();
            var id = 0;
            async Task<Step> RunStepAsync(double rate)
            {
                var runs = new List<StepRun>();
                for (var r = 0; r < options.Repeat; r++)
                {
                    await Machine.WaitForQuietAsync($"{target} {rate}/s", options.QuietWaitSeconds);
                    var load = Machine.Load();
                    var (s0, c0, p0, m0) = (serverCpu(), clients.CpuSeconds, Machine.CpuOf("postgres"), Fanout.MachineCpu());
                    var clock = Stopwatch.StartNew();
                    var report = await clients.CommandAsync(new { cmd = "step", id = ++id, rate, warmup = options.Warmup, seconds = options.Seconds, typing = options.Typing },
                        TimeSpan.FromSeconds(options.Warmup + options.Seconds + 200));
                    var wall = clock.Elapsed.TotalSeconds;
                    var (s1, c1, p1, m1) = (serverCpu(), clients.CpuSeconds, Machine.CpuOf("postgres"), Fanout.MachineCpu());
                    var run = new StepRun(rate, report, wall, (s1 - s0) / wall, (c1 - c0) / wall, (p1 - p0) / wall,
                        Math.Max(0, (m1 - m0) - (s1 - s0) - (c1 - c0) - (p1 - p0)) / wall, load, target == "hub");
                    runs.Add(run);
                    Console.WriteLine(string.Create(ci,
                        $"{target} {rate:0.###}/s per member: {(run.Aborted ? "ABORTED (overloaded), " : "")}sent {report.GetProperty("sent").GetInt64():#,0} ({report.GetProperty("errors").GetInt64()} errors{(report.GetProperty("lastError").GetString() is { } e ? ": " + e : "")}), received {report.GetProperty("received").GetInt64():#,0} / {report.GetProperty("expected").GetInt64():#,0}, {run.Delivered:#,0} delivered/s, p50 {run.P50:0.00} ms, p99 {run.P99:0.00} ms, max {report.GetProperty("max").GetDouble():0.0} ms; typing {report.GetProperty("typingReceived").GetInt64():#,0} / {report.GetProperty("typingExpected").GetInt64():#,0}; cpu server {run.ServerCpu:0.00} clients {run.ClientsCpu:0.00} postgres {run.PostgresCpu:0.00} others {run.OthersCpu:0.00}; settled {report.GetProperty("settleMs").GetInt64() / 1000.0:0.0} s first; load {load}"));
                    if (run.Aborted)
                    {
                        break; // an aborted run fails the step whatever the others do
                    }
                }

                var step = new Step(rate, runs, options.P99LimitMs);
                steps.Add(step);
                return step;
            }

            // Up from --start while held; down from it until one is held when it is not.
            var rate = options.Start;
            if ((await RunStepAsync(rate)).Held)
            {
                for (rate *= 2; rate <= options.Max + 1e-9 && (await RunStepAsync(rate)).Held; rate *= 2)
                {
                }
            }
            else
            {
                for (rate /= 2; rate >= options.Min - 1e-9 && !(await RunStepAsync(rate)).Held; rate /= 2)
                {
                }
            }

            // The server's CPU with everyone still connected and nobody typing (after the steps, every call answered): its floor.
            await Task.Delay(3000);
            var (idle0, idleWall) = (serverCpu(), Stopwatch.StartNew());
            await Task.Delay(5000);
            var idle = (serverCpu() - idle0) / idleWall.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(ci, $"{target}: idle server cpu {idle:0.000} cores with {members} connected, after the steps"));
            return new TargetResult(target, label, steps, idle);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Table(Options options, List<TargetResult> results)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var members = options.Conversations * options.Members;
        sb.AppendLine(ci, $"Group messaging with typing, {options.Conversations} conversations × {options.Members} members ({members:#,0} connections, one Node client process), highest per-member rate held with p99 < {options.P99LimitMs} ms and every message delivered; {options.Warmup} + {options.Seconds} s per step, median of {options.Repeat} — {Machine.Describe()}; clients and server share the cores");
        sb.AppendLine();
        var hub = results.FirstOrDefault(r => r.Target == "hub");
        var peer = results.FirstOrDefault(r => r.Target == "socketio");
        string Held(TargetResult? r) => r?.Best is { } b
            ? string.Create(ci, $"{(b.Rate >= options.Max - 1e-9 ? "≥ " : "")}{b.Rate:0.###}")
            : string.Create(ci, $"< {r?.Steps.Select(s => s.Rate).DefaultIfEmpty(options.Min).Min():0.###}");
        sb.AppendLine("| metric | Hub | socket.io rooms | Hub/socket.io |");
        sb.AppendLine("|---|---:|---:|---:|");
        var ratio = hub?.Best is { } hb && peer?.Best is { } pb ? string.Create(ci, $"{hb.Rate / pb.Rate:0.00}×") : "–";
        sb.AppendLine(ci, $"| highest rate held, msg/s per member | {Held(hub)} | {Held(peer)} | {ratio} |");
        string At(Step? s, Func<Step, double> f, string format) => s is null ? "–" : s.Runs.Any(r => r.Aborted) ? "aborted" : f(s).ToString(format, ci);
        string Ratio(Step? a, Step? b, Func<Step, double> f) => a is null || b is null || double.IsNaN(f(a) / f(b)) || a.Runs.Any(r => r.Aborted) || b.Runs.Any(r => r.Aborted)
            ? "–" : string.Create(ci, $"{f(a) / f(b):0.00}×");
        sb.AppendLine(ci, $"| messages sent/s at that rate ({members:#,0} members) | {At(hub?.Best, s => s.Rate * members, "#,0")} | {At(peer?.Best, s => s.Rate * members, "#,0")} | {Ratio(hub?.Best, peer?.Best, s => s.Rate)} |");
        sb.AppendLine(ci, $"| delivered msg/s at that rate (receipts at the other {options.Members - 1}) | {At(hub?.Best, s => s.Delivered, "#,0")} | {At(peer?.Best, s => s.Delivered, "#,0")} | {Ratio(hub?.Best, peer?.Best, s => s.Delivered)} |");
        sb.AppendLine(ci, $"| p50 / p99 ms at that rate | {At(hub?.Best, s => s.P50, "0.0")} / {At(hub?.Best, s => s.P99, "0.0")} | {At(peer?.Best, s => s.P50, "0.0")} / {At(peer?.Best, s => s.P99, "0.0")} | |");
        sb.AppendLine(ci, $"| server CPU ms per message at that rate (with its typing and deliveries; Hub + PostgreSQL) | {At(hub?.Best, s => s.CpuMsPerMessage, "0.00")} | {At(peer?.Best, s => s.CpuMsPerMessage, "0.00")} | {Ratio(hub?.Best, peer?.Best, s => s.CpuMsPerMessage)} |");
        sb.AppendLine(ci, $"| server CPU with everyone connected and idle (after the steps), cores | {hub?.IdleCpu:0.000} | {peer?.IdleCpu:0.000} | |");
        var h1 = hub?.Steps.FirstOrDefault(s => Math.Abs(s.Rate - 1) < 1e-9);
        var p1 = peer?.Steps.FirstOrDefault(s => Math.Abs(s.Rate - 1) < 1e-9);
        sb.AppendLine(ci, $"| at 1 msg/s per member: delivered msg/s | {At(h1, s => s.Delivered, "#,0")} | {At(p1, s => s.Delivered, "#,0")} | {Ratio(h1, p1, s => s.Delivered)} |");
        sb.AppendLine(ci, $"| at 1 msg/s per member: p50 / p99 ms | {At(h1, s => s.P50, "0.0")} / {At(h1, s => s.P99, "0.0")} | {At(p1, s => s.P50, "0.0")} / {At(p1, s => s.P99, "0.0")} | {Ratio(h1, p1, s => s.P99)} (p99) |");
        sb.AppendLine();
        sb.AppendLine("Every step (per run; a step holds when the medians over its runs have p99 under the limit, ≥ 99.9 % of receipts and < 0.1 % refused sends; a run is aborted — and the step not held — once over 1 % of its messages have waited more than 1 s for the server's answer). CPU in cores over the step: server (Hub's process, or the socket.io server), the client process, PostgreSQL, everything else on the machine (other work: noise).");
        sb.AppendLine();
        sb.AppendLine("| target | msg/s per member | held | sent | errors | received / expected | delivered/s | p50 ms | p99 ms | p99.9 ms | max ms | typing received / sent × (M−1), indicative | send lateness mean / max ms | server cpu | server (+ PostgreSQL for Hub) cpu ms / message | clients cpu | postgres cpu | others cpu | load |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            foreach (var step in result.Steps)
            {
                foreach (var r in step.Runs)
                {
                    var j = r.Report;
                    sb.AppendLine(ci, $"| {result.Target} | {r.Rate:0.###} | {(step.Held ? "yes" : r.Aborted ? "no (aborted: overloaded)" : "no")} | {j.GetProperty("sent").GetInt64():#,0} | {j.GetProperty("errors").GetInt64():#,0} | {j.GetProperty("received").GetInt64():#,0} / {j.GetProperty("expected").GetInt64():#,0} | {r.Delivered:#,0} | {r.P50:0.00} | {r.P99:0.00} | {Num(j, "p999"):0.00} | {Num(j, "max"):0.0} | {j.GetProperty("typingReceived").GetInt64():#,0} / {j.GetProperty("typingExpected").GetInt64():#,0} | {Num(j, "lateMeanMs"):0.0} / {Num(j, "lateMaxMs"):0} | {r.ServerCpu:0.00} | {r.CpuMsPerMessage:0.00} | {r.ClientsCpu:0.00} | {r.PostgresCpu:0.00} | {r.OthersCpu:0.00} | {r.Load} |");
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine(ci, $"Hub's per-connection limits for this run: Realtime:MessagesPerSecond {Math.Max(10, (int)Math.Ceiling(options.Max * 2))}, Realtime:SignalsPerSecond {Math.Max(20, (int)Math.Ceiling(options.Max * 4))} (defaults 10 and 20).");
        return sb.ToString();

        static double Num(JsonElement j, string name) => j.GetProperty(name).ValueKind == JsonValueKind.Number ? j.GetProperty(name).GetDouble() : double.NaN;
    }

    private static string Jwt(string secret, string subject, string room, string role, long exp)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var head = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var body = B64(JsonSerializer.SerializeToUtf8Bytes(new { sub = subject, room, role, exp }));
        var sig = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{head}.{body}")));
        return $"{head}.{body}.{sig}";
    }
}
