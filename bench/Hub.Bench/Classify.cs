using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Core.Intelligence;
using Hub.Server.Modules.Inbox.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Issue 6, "Performance": what the sentiment + intent models cost. In-process: latency of
/// <see cref="ISentimentClassifier.Classify"/> + <see cref="IIntentClassifier.Classify"/> per message (1 thread) and
/// throughput (1 and 2 threads). Over HTTP: Hub's <c>POST /api/v1/classify</c> against a bench-only peer endpoint,
/// <c>POST /api/v1/bench/classify-constant</c>, mapped into the same app (same pipeline, same authorization, same request and
/// response types) that answers a constant result, so classify / constant is what the model costs end to end.
/// </summary>
internal static class Classify
{
    public sealed record Options(int Seconds, int Rounds, int Concurrency, int Messages);

    // Under /api/ like the real one, so Hub treats it as an API path too (401 challenge rather than a login redirect).
    private const string ConstantPath = "/api/v1/bench/classify-constant";
    private const string ClassifyPath = "/api/v1/classify";

    private static readonly ClassifyResponse ConstantAnswer = new(
        new SentimentResult(0, SentimentLabel.Neutral, 1),
        new IntentResult("billing", 1, false) { BestGuess = "billing" });

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        var messages = LoadMessages(options.Messages);
        Console.WriteLine($"classify: {messages.Count} messages, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        await using var hub = new HubHost();
        // The peer endpoint: added to Hub's own WebApplication (after Program has mapped its endpoints), so it
        // runs through exactly the same middleware and authorization as /api/v1/classify.
        var factory = hub.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, ConstantEndpointFilter>()));
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        // (1) In-process.
        var sentiment = factory.Services.GetRequiredService<ISentimentClassifier>();
        var intents = factory.Services.GetRequiredService<IIntentClassifier>();
        Console.WriteLine($"models: {sentiment.GetType().Name}, {intents.GetType().Name} ({intents.Intents.Count} intents)");
        var inProcess = MeasureInProcess(sentiment, intents, messages);

        // (2) HTTP, same client for both targets, interleaved rounds.
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = options.Concurrency })
        {
            BaseAddress = address,
        };
        var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = HubHost.AdminEmail, password = HubHost.AdminPassword });
        token.EnsureSuccessStatusCode();
        var jwt = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        var bodies = messages.Select(m => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { text = m }))).ToArray();

        if (!await SameShapeAsync(client, bodies[0]))
        {
            return 1;
        }

        var runs = new Dictionary<string, List<Run>> { [ClassifyPath] = [], [ConstantPath] = [] };
        foreach (var path in new[] { ClassifyPath, ConstantPath })
        {
            await LoadAsync(client, path, bodies, options.Concurrency, TimeSpan.FromSeconds(3)); // warm-up (JIT tiers, PGO, pools), discarded
        }

        for (var round = 0; round < options.Rounds; round++)
        {
            // Alternate which goes first, so neither always gets the quieter half of the machine's noise.
            var order = round % 2 == 0 ? new[] { ClassifyPath, ConstantPath } : [ConstantPath, ClassifyPath];
            foreach (var path in order)
            {
                var run = await LoadAsync(client, path, bodies, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
                runs[path].Add(run);
                Console.WriteLine($"  round {round + 1} {path,-26} {run.RequestsPerSecond,10:N0} req/s  p50 {run.P50Ms:F2} ms  p99 {run.P99Ms:F2} ms  errors {run.Errors}");
            }
        }

        var c = runs[ClassifyPath];
        var k = runs[ConstantPath];
        double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }

        var rpsC = Median(c.Select(r => r.RequestsPerSecond));
        var rpsK = Median(k.Select(r => r.RequestsPerSecond));
        var p50C = Median(c.Select(r => r.P50Ms));
        var p50K = Median(k.Select(r => r.P50Ms));
        var p99C = Median(c.Select(r => r.P99Ms));
        var p99K = Median(k.Select(r => r.P99Ms));
        var errors = c.Sum(r => r.Errors) + k.Sum(r => r.Errors);
        // The machine is shared: rounds differ a lot, so the ratio is taken per round (classify and constant ran
        // back to back) and the median of those is reported, with the range.
        var ratios = c.Zip(k, (a, b) => a.RequestsPerSecond / b.RequestsPerSecond).ToArray();
        var ratio = Median(ratios);

        Console.WriteLine();
        Console.WriteLine("| Metric | Hub (classify) | Peer (constant) | Ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("In-process p50 per message (1 thread)", $"{inProcess.P50Us:F1} µs", "—", "—");
        Row("In-process p99 per message (1 thread)", $"{inProcess.P99Us:F1} µs", "—", "—");
        Row("In-process mean per message (1 thread)", $"{inProcess.MeanUs:F1} µs", "—", "—");
        Row("In-process max per message (1 thread)", $"{inProcess.MaxUs:F1} µs", "—", "—");
        Row("In-process messages/s (1 thread)", $"{inProcess.PerSecond1:N0}", "—", "—");
        Row("In-process messages/s (2 threads)", $"{inProcess.PerSecond2:N0}", "—", "—");
        Row($"HTTP requests/s ({options.Concurrency} concurrent, median of {options.Rounds} × {options.Seconds} s)", $"{rpsC:N0}", $"{rpsK:N0}", $"{ratio:P0} (rounds {ratios.Min():P0}–{ratios.Max():P0})");
        Row("HTTP p50 latency", $"{p50C:F2} ms", $"{p50K:F2} ms", $"{p50C / p50K:F2}×");
        Row("HTTP p99 latency", $"{p99C:F2} ms", $"{p99K:F2} ms", $"{p99C / p99K:F2}×");
        Console.WriteLine();
        Console.WriteLine($"aims (issue 6): in-process p99 < 1 ms: {(inProcess.P99Us < 1000 ? "met" : "NOT met")}; classify ≥ 70% of constant req/s: {(ratio >= 0.7 ? "met" : "NOT met")}; HTTP errors: {errors}; scenario took {total.Elapsed.TotalSeconds:F0} s");
        return errors == 0 ? 0 : 1;

        static void Row(string metric, string hub, string peer, string ratio) => Console.WriteLine($"| {metric} | {hub} | {peer} | {ratio} |");
    }

    private sealed record InProcess(double P50Us, double P99Us, double MeanUs, double MaxUs, double PerSecond1, double PerSecond2);

    private static InProcess MeasureInProcess(ISentimentClassifier sentiment, IIntentClassifier intents, IReadOnlyList<string> messages)
    {
        var sink = 0.0;
        for (var pass = 0; pass < 3; pass++) // warm-up: JIT tiering up to the optimized code
        {
            foreach (var m in messages)
            {
                sink += sentiment.Classify(m).Score + intents.Classify(m).Confidence;
            }
        }

        var ticks = new long[messages.Count];
        var all = Stopwatch.StartNew();
        for (var i = 0; i < messages.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += sentiment.Classify(messages[i]).Score + intents.Classify(messages[i]).Confidence;
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        var elapsed = all.Elapsed.TotalSeconds;
        Array.Sort(ticks);
        double Us(long t) => t * 1e6 / Stopwatch.Frequency;
        var p50 = Us(ticks[(int)(ticks.Length * 0.50)]);
        var p99 = Us(ticks[Math.Min(ticks.Length - 1, (int)(ticks.Length * 0.99))]);
        var mean = ticks.Average(t => Us(t));
        var max = Us(ticks[^1]);

        // Throughput: each thread classifies the whole set once, 2 passes.
        double Throughput(int threads)
        {
            const int passes = 2;
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var local = 0.0;
                for (var pass = 0; pass < passes; pass++)
                {
                    foreach (var m in messages)
                    {
                        local += sentiment.Classify(m).Score + intents.Classify(m).Confidence;
                    }
                }

                Volatile.Write(ref sink, sink + local);
            });
            return threads * passes * messages.Count / sw.Elapsed.TotalSeconds;
        }

        var one = Throughput(1);
        var two = Throughput(2);
        GC.KeepAlive(sink);
        Console.WriteLine($"in-process: {messages.Count} messages in {elapsed * 1000:F0} ms (timed loop)");
        return new InProcess(p50, p99, mean, max, one, two);
    }

    private sealed record Run(double RequestsPerSecond, double P50Ms, double P99Ms, int Errors);

    private static async Task<Run> LoadAsync(HttpClient client, string path, byte[][] bodies, int concurrency, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<long>[concurrency];
        var errors = 0;
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<long>(100_000);
            var i = worker * 97;
            while (Stopwatch.GetTimestamp() < end)
            {
                var body = bodies[i++ % bodies.Length];
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(path, content);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                mine.Add(Stopwatch.GetTimestamp() - start);
                if (response.StatusCode != HttpStatusCode.OK || bytes.Length == 0)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(loops);
        var seconds = (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        return new Run(all.Length / seconds, Ms(all[all.Length / 2]), Ms(all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]), errors);
    }

    /// <summary>Both endpoints answer the same JSON shape, and both refuse a caller without credentials.</summary>
    private static async Task<bool> SameShapeAsync(HttpClient client, byte[] body)
    {
        static string Shape(JsonElement e) => e.ValueKind == JsonValueKind.Object
            ? "{" + string.Join(",", e.EnumerateObject().Select(p => p.Name + ":" + Shape(p.Value))) + "}"
            : e.ValueKind.ToString();

        var shapes = new List<string>();
        foreach (var path in new[] { ClassifyPath, ConstantPath })
        {
            using var content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            using var response = await client.PostAsync(path, content);
            var json = await response.Content.ReadAsStringAsync();
            using var anonymous = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
            anonymous.Headers.Authorization = null;
            using var unauth = await new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = client.BaseAddress }.SendAsync(anonymous);
            Console.WriteLine($"{path}: {(int)response.StatusCode} {json}; without credentials: {(int)unauth.StatusCode}");
            if (response.StatusCode != HttpStatusCode.OK || unauth.StatusCode != HttpStatusCode.Unauthorized)
            {
                Console.Error.WriteLine($"{path} does not behave as expected");
                return false;
            }

            shapes.Add(Shape(JsonDocument.Parse(json).RootElement));
        }

        if (shapes[0] != shapes[1])
        {
            Console.Error.WriteLine($"response shapes differ:\n  {shapes[0]}\n  {shapes[1]}");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Support-like messages: the texts of the shipped intent (train + test) and sentiment CSVs, each also with a
    /// greeting and/or a sign-off so the set holds a few thousand distinct strings of varied length.
    /// </summary>
    private static List<string> LoadMessages(int count)
    {
        var texts = new List<string>();
        foreach (var relative in new[]
                 {
                     "server/Hub.Intelligence/Intents/SupportTaxonomy/test.csv",
                     "server/Hub.Intelligence/Intents/SupportTaxonomy/train.csv",
                     "server/Hub.Intelligence/Sentiment/support-sentiment.csv",
                 })
        {
            if (FindUp(relative) is { } file)
            {
                texts.AddRange(File.ReadLines(file).Skip(1).Select(FirstCsvField).Where(t => t.Length > 0));
            }
        }

        if (texts.Count == 0)
        {
            texts.AddRange(["How do I update my credit card for billing?", "The app keeps crashing when I upload a photo", "Thanks, that fixed it!", "I want a refund for last month", "Where is my order?"]);
        }

        string[] greetings = ["", "Hi, ", "Hello team, ", "Hey there. ", "Good morning! "];
        string[] signoffs = ["", " Thanks.", " Please help asap", " This is the second time I ask.", " Cheers, Sam"];
        var rng = new Random(6);
        var messages = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var t = texts[i % texts.Count];
            messages.Add(i < texts.Count ? t : greetings[rng.Next(greetings.Length)] + t + signoffs[rng.Next(signoffs.Length)]);
        }

        return [.. messages.OrderBy(_ => rng.Next())];
    }

    private static string FirstCsvField(string line)
    {
        if (line.StartsWith('"'))
        {
            var end = line.IndexOf("\",", 1, StringComparison.Ordinal);
            return (end > 0 ? line[1..end] : line.Trim('"')).Replace("\"\"", "\"", StringComparison.Ordinal);
        }

        var comma = line.LastIndexOf(',');
        return comma > 0 ? line[..comma] : line;
    }

    private static string? FindUp(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Maps the constant peer on Hub's WebApplication once Program has configured it.</summary>
    private sealed class ConstantEndpointFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            // WebApplication copies its properties, among them its endpoint route builder (itself), onto the host's
            // application builder; endpoints added now are picked up by its (lazy, observed) data sources.
            var routes = app.Properties.Values.OfType<IEndpointRouteBuilder>().FirstOrDefault()
                ?? throw new InvalidOperationException("no endpoint route builder in: " + string.Join(", ", app.Properties.Keys));
            routes.MapPost(ConstantPath, (ClassifyRequest request) => TypedResults.Ok(ConstantAnswer)).RequireAuthorization();
        };
    }
}
