using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Scenario 4, open pixel and click redirect: <c>wrk</c> against Hub's <c>/api/v1/tracking/open</c> and
/// <c>/api/v1/tracking/click</c> (signed links of real sent messages, a different message each request), Hub on
/// PostgreSQL with every hit persisted, against nginx answering the same paths with its 43-byte <c>empty_gif</c> and
/// a <c>return 302</c>, back to back in the same run. After each Hub run the hit writer is flushed and the new
/// <c>tracking_hits</c> rows are counted against wrk's completed requests.
/// </summary>
internal static class Tracking
{
    public sealed record Options(int Seconds, int Rounds, int Threads, int Connections, int Messages, int QuietWaitSeconds, IReadOnlyList<string> Kinds, IReadOnlyDictionary<string, string?> HubSettings);

    private sealed record Run(string Target, string Kind, Wrk.Result Wrk, long Enqueued, long Persisted, double FlushSeconds, double ServerCpu, double PostgresCpu, double OthersCpu, string Load);

    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"tracking: wrk -t{options.Threads} -c{options.Connections}, {options.Seconds} s per run, {options.Rounds} round(s), {options.Messages} messages; {Machine.Describe()}");
        await using var database = await PostgresDatabase.CreateAsync("hub_bench_tracking");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            // One client IP sends everything here: the per-IP limit (600/min by default) is raised to its maximum.
            ["Tracking:RateLimitPerMinute"] = "10000000",
            ["Tracking:SigningKey"] = Convert.ToBase64String("bench-tracking-key-0123456789abcdef-0123456789"u8.ToArray()),
            ["Delivery:Enabled"] = "false",
            ["Campaigns:RunnerEnabled"] = "false",
            // The first start probes __EFMigrationsHistory before creating it: an expected "failed command".
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
        };
        foreach (var (key, value) in options.HubSettings)
        {
            settings[key] = value;
        }

        await using var hub = new HubHost(settings);
        var started = Stopwatch.StartNew();
        hub.Start();
        var (workspaceId, messageIds) = await SeedAsync(hub, options.Messages);
        var links = hub.Services.GetRequiredService<TrackingLinks>();
        var files = new Dictionary<string, string>();
        foreach (var kind in options.Kinds)
        {
            var file = Path.GetTempFileName();
            await File.WriteAllLinesAsync(file, messageIds.Select((id, i) => new Uri(kind == "open"
                ? links.OpenUrl(workspaceId, id)
                : links.ClickUrl(workspaceId, id, $"https://shop.example.com/sale/{i % 50}?utm_source=hub&utm_campaign=bench")).PathAndQuery));
            files[kind] = file;
        }

        Console.WriteLine($"hub: listening on {hub.Address}, on PostgreSQL; {messageIds.Count} sent messages seeded in {started.Elapsed.TotalSeconds:0.0} s");
        await using var nginx = await Nginx.StartAsync();
        var queue = hub.Services.GetRequiredService<TrackingHitQueue>();
        var writer = hub.Services.GetRequiredService<TrackingHitWriter>();
        string[] headers = [$"User-Agent: {Chrome}"];

        // Sanity: both answer what they should, and a Hub hit is stored.
        await CheckAsync(hub.Address, nginx.Address, files);

        var runs = new List<Run>();
        try
        {
            foreach (var kind in options.Kinds)
            {
                // Unmeasured warm-up of both (JIT, connection pools, nginx's page cache).
                await Wrk.RunAsync(hub.Address, files[kind], options.Threads, options.Connections, 2, headers);
                await Wrk.RunAsync(nginx.Address, files[kind], options.Threads, options.Connections, 2, headers);
                await writer.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
                for (var round = 0; round < options.Rounds; round++)
                {
                    var order = round % 2 == 0 ? new[] { "hub", "nginx" } : ["nginx", "hub"];
                    foreach (var target in order)
                    {
                        await Machine.WaitForQuietAsync($"{target} {kind}", options.QuietWaitSeconds);
                        var load = Machine.Load();
                        var hitsBefore = await CountAsync(hub, kind);
                        var enqueuedBefore = queue.Enqueued;
                        var (own0, pg0, nginx0, machine0) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), Nginx.Cpu(), Fanout.MachineCpu());
                        var wall = Stopwatch.StartNew();
                        var result = await Wrk.RunAsync(target == "hub" ? hub.Address : nginx.Address, files[kind], options.Threads, options.Connections, options.Seconds, headers);
                        long enqueued = 0, persisted = 0;
                        var flushing = Stopwatch.StartNew();
                        if (target == "hub")
                        {
                            // Every hit Hub accepted must be in tracking_hits once the writer has caught up.
                            using var flush = new CancellationTokenSource(TimeSpan.FromSeconds(120));
                            await writer.FlushAsync(flush.Token);
                            enqueued = queue.Enqueued - enqueuedBefore;
                            persisted = await CountAsync(hub, kind) - hitsBefore;
                        }

                        var flushSeconds = target == "hub" ? flushing.Elapsed.TotalSeconds : 0;
                        var seconds = wall.Elapsed.TotalSeconds;
                        var (own1, pg1, nginx1, machine1) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), Nginx.Cpu(), Fanout.MachineCpu());
                        var server = target == "hub" ? own1 - own0 : nginx1 - nginx0;
                        var others = Math.Max(0, machine1 - machine0 - (own1 - own0) - (pg1 - pg0) - (nginx1 - nginx0) - result.WrkCpu) / seconds;
                        var run = new Run(target, kind, result, enqueued, persisted, flushSeconds, server / seconds, (pg1 - pg0) / seconds, others, load);
                        runs.Add(run);
                        var stored = target == "hub" ? $"; accepted {enqueued} (dropped by the full queue: {Math.Max(0, result.Requests - enqueued)}), persisted {persisted}, writer caught up {flushSeconds:0.0} s after the run" : "";
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{target} {kind}: {result.Requests} requests in {result.Seconds:0.00} s = {result.RequestsPerSecond:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, non-2xx/3xx {result.Non2xx3xx}, socket errors {result.SocketErrors}{stored}; cpu server {run.ServerCpu:0.00} postgres {run.PostgresCpu:0.00} wrk {result.WrkCpu / seconds:0.00} others {others:0.00}; load {load}"));
                    }
                }
            }
        }
        finally
        {
            foreach (var file in files.Values)
            {
                File.Delete(file);
            }
        }

        var table = Table(runs, options);
        Console.WriteLine();
        Console.WriteLine(table);
        var ok = runs.Where(r => r.Target == "hub").All(Complete);
        Console.WriteLine(ok
            ? "every hit Hub answered was persisted (rows ≥ wrk's completed requests, and = the hits Hub accepted)"
            : "NOT every hit was persisted: see the per-run table (accepted < requests: the hit queue, Tracking:QueueCapacity, was full and dropped hits)");
        Console.WriteLine($"tracking: done in {total.Elapsed.TotalSeconds:0} s");
        return ok ? 0 : 1;
    }

    // wrk stops counting at the deadline while up to one request per connection may still be answered (and stored)
    // by the server, so rows may exceed wrk's count by at most the connection count; none may be missing.
    private static bool Complete(Run r) =>
        r.Wrk.Non2xx3xx == 0 && r.Persisted == r.Enqueued && r.Persisted >= r.Wrk.Requests;

    private static string Table(IReadOnlyList<Run> runs, Options options)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"Tracking, wrk -t{options.Threads} -c{options.Connections}, {options.Seconds} s per run, median of {options.Rounds} round(s) (Hub and nginx alternating){(options.HubSettings.Count > 0 ? "; Hub with " + string.Join(", ", options.HubSettings.Select(kv => $"{kv.Key}={kv.Value}")) : "")} — {Machine.Describe()}; wrk, Hub, PostgreSQL and nginx share the cores");
        sb.AppendLine();
        sb.AppendLine("| endpoint | metric | Hub (PostgreSQL) | nginx (static) | Hub/nginx |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (var kind in options.Kinds)
        {
            var h = runs.Where(r => r.Target == "hub" && r.Kind == kind).ToList();
            var n = runs.Where(r => r.Target == "nginx" && r.Kind == kind).ToList();
            if (h.Count == 0 || n.Count == 0)
            {
                continue;
            }

            var label = kind == "open" ? "open pixel" : "click redirect";
            var (hr, nr) = (Machine.Median(h.Select(r => r.Wrk.RequestsPerSecond)), Machine.Median(n.Select(r => r.Wrk.RequestsPerSecond)));
            var (h50, n50) = (Machine.Median(h.Select(r => r.Wrk.P50Ms)), Machine.Median(n.Select(r => r.Wrk.P50Ms)));
            var (h99, n99) = (Machine.Median(h.Select(r => r.Wrk.P99Ms)), Machine.Median(n.Select(r => r.Wrk.P99Ms)));
            sb.AppendLine(ci, $"| {label} | requests/s | {hr:#,0} | {nr:#,0} | {hr / nr:P0} |");
            sb.AppendLine(ci, $"| {label} | p50 latency ms | {h50:0.00} | {n50:0.00} | {h50 / n50:0.00}× |");
            sb.AppendLine(ci, $"| {label} | p99 latency ms | {h99:0.00} | {n99:0.00} | {h99 / n99:0.00}× |");
        }

        sb.AppendLine();
        sb.AppendLine("Per run: wrk's completed requests, non-2xx/3xx answers and socket errors; for Hub the hits it accepted and the rows in tracking_hits after the writer flushed; CPU in cores over the run (server: Hub's process or nginx's workers; postgres: every backend, other sessions' tests included; others: everything else but wrk), 1-min load at start.");
        sb.AppendLine();
        sb.AppendLine("| target | endpoint | requests | req/s | non-2xx/3xx | socket errors | accepted | persisted | writer catch-up s | p90 ms | server cpu | postgres cpu | wrk cpu | others cpu | load |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var hub = r.Target == "hub";
            sb.AppendLine(ci, $"| {r.Target} | {r.Kind} | {r.Wrk.Requests:#,0} | {r.Wrk.RequestsPerSecond:#,0} | {r.Wrk.Non2xx3xx} | {r.Wrk.SocketErrors} | {(hub ? r.Enqueued.ToString("#,0", ci) : "–")} | {(hub ? r.Persisted.ToString("#,0", ci) : "–")} | {(hub ? r.FlushSeconds.ToString("0.0", ci) : "–")} | {r.Wrk.P90Ms:0.00} | {r.ServerCpu:0.00} | {r.PostgresCpu:0.00} | {r.Wrk.WrkCpu / r.Wrk.Seconds:0.00} | {r.OthersCpu:0.00} | {r.Load} |");
        }

        return sb.ToString();
    }

    private static async Task CheckAsync(Uri hub, Uri nginx, Dictionary<string, string> files)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        foreach (var (kind, file) in files)
        {
            var path = File.ReadLines(file).First();
            foreach (var server in new[] { hub, nginx })
            {
                using var response = await http.GetAsync(new Uri(server, path));
                var body = await response.Content.ReadAsByteArrayAsync();
                var expected = kind == "open" ? 200 : 302;
                if ((int)response.StatusCode != expected)
                {
                    throw new InvalidOperationException($"{server} {kind}: {(int)response.StatusCode}, expected {expected}");
                }

                Console.WriteLine($"check {kind} {server.Port}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {body.Length} bytes {response.Headers.Location}");
            }
        }
    }

    private static async Task<long> CountAsync(HubHost hub, string kind)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var k = kind == "open" ? TrackingHitKind.Open : TrackingHitKind.Click;
        return await db.TrackingHits.IgnoreQueryFilters().LongCountAsync(h => h.Kind == k);
    }

    /// <summary><paramref name="count"/> outbound emails, sent an hour ago, each to its own contact, in the bootstrap workspace.</summary>
    private static async Task<(Guid WorkspaceId, List<Guid> MessageIds)> SeedAsync(HubHost hub, int count)
    {
        Guid workspaceId;
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            workspaceId = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.IgnoreQueryFilters().OrderBy(w => w.CreatedAt).Select(w => w.Id).FirstAsync();
        }

        var ids = new List<Guid>(count);
        var now = DateTimeOffset.UtcNow;
        var channel = new Channel { Name = "Bench mail", Type = ChannelType.Email, Provider = "dev-sink", Address = "news@bench.test", CreatedAt = now, UpdatedAt = now };
        var campaignId = Guid.NewGuid().ToString();
        for (var start = 0; start < count; start += 1000)
        {
            await using var scope = hub.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            if (start == 0)
            {
                db.Channels.Add(channel);
            }

            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                var contact = new Contact { ExternalId = $"bench-{i}", Email = $"reader{i}@example.com", CreatedAt = now, UpdatedAt = now };
                var conversation = new Conversation { ContactId = contact.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, LastMessageAt = now, CreatedAt = now, UpdatedAt = now };
                var message = new Message
                {
                    ConversationId = conversation.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, Direction = MessageDirection.Outbound,
                    SenderType = SenderType.System, Address = contact.Email, Subject = "Our winter sale", Text = "Hello", CreatedAt = now, UpdatedAt = now,
                    Status = MessageStatus.Sent, SentAt = now - TimeSpan.FromHours(1),
                };
                message.IdempotencyKey = $"out:{message.Id:N}";
                message.Metadata["campaign_id"] = System.Text.Json.JsonSerializer.SerializeToElement(campaignId);
                db.AddRange(contact, conversation, message);
                ids.Add(message.Id);
            }

            await db.SaveChangesAsync();
        }

        return (workspaceId, ids);
    }
}
