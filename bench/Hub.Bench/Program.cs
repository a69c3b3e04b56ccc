using System.Globalization;

namespace Hub.Bench;

// Hub.Bench: side-by-side benchmarks against peers run in the same session (see bench/README.md).
// (A class of its own rather than top-level statements: Hub.Server's Program is the host it starts.)
internal static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("""
                Hub.Bench — scenarios:
                  fanout [--clients 1000] [--seconds 10] [--rate 50] [--targets ws,socketio,hub] [--peers DIR] [--markdown FILE] [--quiet-wait 5] [--repeat 1] [--modes max,rate] [--window 100]
                      Broadcast fan-out to N WebSocket clients: Hub's /hubs/client vs the npm ws server and socket.io 4.
                      Targets: ws, socketio, hub (JSON protocol), hub-msgpack (MessagePack protocol).
                      --window W: as fast as it can, but at most W broadcasts ahead of the slowest client (0: no limit).
                      --repeat N runs every target N times, interleaved, and reports medians.
                      Before each run, waits up to --quiet-wait seconds for the (shared) machine to be idle.
                      Needs Node and `npm ci` in bench/peers (bench/run-fanout.sh does both).
                  classify [--seconds 4] [--rounds 5] [--concurrency 32] [--messages 4000]
                      Issue 6: sentiment + intent in-process latency, and POST /api/v1/classify vs a constant-answer peer endpoint.
                  tracking [--seconds 10] [--rounds 1] [--threads 2] [--connections 64] [--messages 10000] [--kinds open,click] [--quiet-wait 5] [--set Key=Value ...]
                      Scenario 4: wrk against Hub's open pixel and click redirect (PostgreSQL, every hit persisted) vs nginx, same run.
                      Needs wrk, nginx and PostgreSQL (HUB_BENCH_POSTGRES; bench/run.sh tracking installs and starts them).
                  campaign [--messages 20000] [--pool 4] [--batch 100] [--rounds 1] [--quiet-wait 5] [--set Key=Value ...]
                      Scenario 5: campaign start → N tracked emails accepted by postfix's smtp-sink, vs nodemailer's pooled transport.
                      --batch is the campaign's settings.batch_size (Hub's default 100). --pool is Hub's Email:SmtpPoolSize and nodemailer's maxConnections; --set passes any Hub setting (e.g. Delivery:Workers=4).
                  latency [--rate 50] [--seconds 20] [--customers 200] [--store postgres|sqlite] [--quiet-wait 5]
                      Scenario 7: Twilio-signed inbound SMS webhook → message.received on an agent's /hubs/agent; p50/p99, classifier on vs off.
                  groups [--conversations 100] [--members 10] [--seconds 10] [--warmup 2] [--start 1] [--min 0.015625] [--max 32] [--p99 100] [--targets hub,socketio] [--store postgres|sqlite] [--repeat 1] [--typing on|off] [--quiet-wait 3]
                      Scenario 2: group messaging with typing — conversations of M members (Hub: a web-chat contact on /hubs/client + M-1 agents on /hubs/agent; peer: socket.io rooms),
                      every member types and sends at a per-member rate, doubled (or halved) per step; the highest rate held with p99 < --p99 ms and every message delivered.
                  connections [--clients 10000] [--hold 10] [--concurrency 50] [--quiet-wait 5]
                      Scenario 3: ramp to N idle authenticated connections (Hub /hubs/client vs socket.io with JWT auth); memory per connection, connects/s.
                """);
            return 0;
        }

        switch (args[0])
        {
            case "fanout":
                var clients = Int(args, "--clients", 1000);
                var seconds = Int(args, "--seconds", 10);
                var rate = Int(args, "--rate", 50);
                var repeat = Int(args, "--repeat", 1);
                if (clients is < 1 or > 20_000 || seconds is < 1 or > 60 || rate is < 1 or > 10_000 || repeat is < 1 or > 5)
                {
                    Console.Error.WriteLine("--clients 1..20000, --seconds 1..60, --rate 1..10000, --repeat 1..5");
                    return 2;
                }

                var targets = (Str(args, "--targets") ?? "ws,socketio,hub").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (targets.FirstOrDefault(t => !Fanout.AllTargets.Contains(t)) is { } unknown)
                {
                    Console.Error.WriteLine($"unknown target {unknown}; known: {string.Join(", ", Fanout.AllTargets)}");
                    return 2;
                }

                var peers = Path.GetFullPath(Str(args, "--peers") ?? FindPeers());
                if (!Directory.Exists(Path.Combine(peers, "node_modules")))
                {
                    Console.Error.WriteLine($"{peers}/node_modules is missing: run `npm ci` there (or bench/run-fanout.sh).");
                    return 2;
                }

                return await Fanout.RunAsync(new Fanout.Options(clients, seconds, rate, targets, peers, Str(args, "--markdown") is { } md ? Path.GetFullPath(md) : null,
                    Int(args, "--quiet-wait", 5), repeat,
                    (Str(args, "--modes") ?? "max,rate").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    Int(args, "--window", 100)));
            case "classify":
                return await Classify.RunAsync(new Classify.Options(Int(args, "--seconds", 4), Int(args, "--rounds", 5), Int(args, "--concurrency", 32), Int(args, "--messages", 4000)));
            case "tracking":
                return await Tracking.RunAsync(new Tracking.Options(Int(args, "--seconds", 10), Int(args, "--rounds", 1), Int(args, "--threads", 2),
                    Int(args, "--connections", 64), Int(args, "--messages", 10_000), Int(args, "--quiet-wait", 5),
                    (Str(args, "--kinds") ?? "open,click").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Settings(args)));
            case "campaign":
                return await Campaign.RunAsync(new Campaign.Options(Int(args, "--messages", 20_000), Int(args, "--pool", 4), Int(args, "--batch", 100), Int(args, "--rounds", 1),
                    Int(args, "--quiet-wait", 5), Peers(args), Settings(args)));
            case "latency":
                return await Latency.RunAsync(new Latency.Options(Int(args, "--rate", 50), Int(args, "--seconds", 20), Int(args, "--customers", 200),
                    Str(args, "--store") ?? "postgres", Int(args, "--quiet-wait", 5)));
            case "groups":
                var groupTargets = (Str(args, "--targets") ?? "hub,socketio").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (groupTargets.FirstOrDefault(t => !Groups.AllTargets.Contains(t)) is { } unknownGroupTarget)
                {
                    Console.Error.WriteLine($"unknown target {unknownGroupTarget}; known: {string.Join(", ", Groups.AllTargets)}");
                    return 2;
                }

                var groupOptions = new Groups.Options(Int(args, "--conversations", 100), Int(args, "--members", 10), Int(args, "--seconds", 10), Int(args, "--warmup", 2),
                    Dbl(args, "--start", 1), Dbl(args, "--min", 0.015625), Dbl(args, "--max", 32), Dbl(args, "--p99", 100), groupTargets,
                    Str(args, "--store") ?? "postgres", Int(args, "--quiet-wait", 3), Int(args, "--repeat", 1), Str(args, "--typing") != "off", Peers(args));
                if (groupOptions.Conversations is < 1 or > 2000 || groupOptions.Members is < 2 or > 100 || groupOptions.Seconds is < 1 or > 20 || groupOptions.Warmup is < 0 or > 10
                    || groupOptions.Min <= 0 || groupOptions.Start < groupOptions.Min || groupOptions.Max < groupOptions.Start || groupOptions.Max > 1000 || groupOptions.Repeat is < 1 or > 5
                    || groupOptions.Store is not ("postgres" or "sqlite"))
                {
                    Console.Error.WriteLine("--conversations 1..2000, --members 2..100, --seconds 1..20, --warmup 0..10, 0 < --min <= --start <= --max <= 1000, --repeat 1..5, --store postgres|sqlite");
                    return 2;
                }

                return await Groups.RunAsync(groupOptions);
            case "connections":
                return await Connections.RunAsync(new Connections.Options(Int(args, "--clients", 10_000), Int(args, "--hold", 10), Int(args, "--concurrency", 50),
                    Peers(args), Int(args, "--quiet-wait", 5)));
            default:
                Console.Error.WriteLine($"unknown scenario {args[0]} (try --help)");
                return 2;
        }
    }

    private static string? Str(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Every <c>--set Key=Value</c>: Hub settings for an experiment.</summary>
    private static Dictionary<string, string?> Settings(string[] args)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--set" && args[i + 1].IndexOf('=', StringComparison.Ordinal) is > 0 and var eq)
            {
                settings[args[i + 1][..eq]] = args[i + 1][(eq + 1)..];
            }
        }

        return settings;
    }

    /// <summary>bench/peers with its node_modules installed (npm ci), or an exception saying how to get it.</summary>
    private static string Peers(string[] args)
    {
        var peers = Path.GetFullPath(Str(args, "--peers") ?? FindPeers());
        return Directory.Exists(Path.Combine(peers, "node_modules"))
            ? peers
            : throw new InvalidOperationException($"{peers}/node_modules is missing: run `npm ci` there (or bench/run.sh).");
    }

    private static double Dbl(string[] args, string name, double fallback) =>
        Str(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static int Int(string[] args, string name, int fallback) =>
        Str(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>bench/peers, found from the working directory or from where this assembly was built.</summary>
    private static string FindPeers()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "peers");
                if (File.Exists(Path.Combine(candidate, "clients.js")))
                {
                    return candidate;
                }

                if (dir.Name == "bench" && File.Exists(Path.Combine(dir.FullName, "peers", "clients.js")))
                {
                    return Path.Combine(dir.FullName, "peers");
                }
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "bench", "peers");
    }
}
