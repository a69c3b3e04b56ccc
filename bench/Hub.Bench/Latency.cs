using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Adapters.Sms;
using Hub.Core.Intelligence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Scenario 7, end-to-end latency: Twilio-signed inbound SMS webhooks (<c>POST /webhooks/twilio/{channel}/inbound</c>)
/// at a steady rate, each timed until its <c>message.received</c> reaches an agent connected to <c>/hubs/agent</c> with the
/// official .NET SignalR client. No outside peer does this; the floor is the same path in the same kind of host with the
/// sentiment and intent classifiers replaced by constant answers ("classifier off"), run back to back.
/// </summary>
internal static partial class Latency
{
    public sealed record Options(int Rate, int Seconds, int Customers, string Store, int QuietWaitSeconds);

    private sealed record Run(string Target, int Sent, int Received, int HttpErrors, double P50, double P99, double P999, double Max,
        double HttpP50, double HttpP99, double ServerCpu, double PostgresCpu, double OthersCpu, string Load);

    private static readonly string[] Texts =
    [
        "Hi, where is my order? It was supposed to arrive yesterday.",
        "I was charged twice for my subscription this month, please refund one.",
        "How do I reset my password? The link in the email does not work.",
        "Thanks, that fixed it!",
        "This is the third time I ask: cancel my account now.",
        "Can I change the delivery address for order 55123?",
        "The app keeps crashing when I upload a photo.",
        "Do you ship to Canada?",
    ];

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"latency: {options.Rate}/s for {options.Seconds} s, {options.Customers} customers, {options.Store}; {Machine.Describe()}");
        var runs = new List<Run>
        {
            await RunOnceAsync("classifier on", options, null),
            await RunOnceAsync("classifier off", options, s =>
            {
                s.AddSingleton<ISentimentClassifier, ConstantSentiment>();
                s.AddSingleton<IIntentClassifier, ConstantIntent>();
            }),
        };

        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"End-to-end latency, Twilio-signed inbound SMS webhook → message.received on an agent's /hubs/agent (.NET SignalR client), {options.Rate}/s for {options.Seconds} s, {options.Customers} customers, Hub on {options.Store} — {Machine.Describe()}; sender, agent, Hub and the database share the cores");
        sb.AppendLine();
        sb.AppendLine("| metric | Hub (classifier on) | floor: classifier off (constant answers) | on/off |");
        sb.AppendLine("|---|---:|---:|---:|");
        var (on, off) = (runs[0], runs[1]);
        sb.AppendLine(ci, $"| p50 latency ms | {on.P50:0.00} | {off.P50:0.00} | {on.P50 / off.P50:0.00}× |");
        sb.AppendLine(ci, $"| p99 latency ms | {on.P99:0.00} | {off.P99:0.00} | {on.P99 / off.P99:0.00}× |");
        sb.AppendLine();
        sb.AppendLine("| run | webhooks sent | message.received | HTTP errors | p99.9 ms | max ms | webhook HTTP p50 / p99 ms | server cpu | postgres cpu | others cpu | load |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            sb.AppendLine(ci, $"| {r.Target} | {r.Sent:#,0} | {r.Received:#,0} | {r.HttpErrors} | {r.P999:0.00} | {r.Max:0.00} | {r.HttpP50:0.00} / {r.HttpP99:0.00} | {r.ServerCpu:0.00} | {r.PostgresCpu:0.00} | {r.OthersCpu:0.00} | {r.Load} |");
        }

        Console.WriteLine();
        Console.WriteLine(sb);
        Console.WriteLine($"latency: done in {total.Elapsed.TotalSeconds:0} s");
        return runs.All(r => r.Received == r.Sent && r.HttpErrors == 0) ? 0 : 1;
    }

    private static async Task<Run> RunOnceAsync(string target, Options options, Action<IServiceCollection>? services)
    {
        await using var database = options.Store == "postgres" ? await PostgresDatabase.CreateAsync("hub_bench_latency") : null;
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
        };
        if (database is not null)
        {
            settings["ConnectionStrings:Postgres"] = database.ConnectionString;
        }

        await using var hub = new HubHost(settings, services);
        hub.Start();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = hub.Address };
        var token = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = HubHost.AdminEmail, password = HubHost.AdminPassword });
        token.EnsureSuccessStatusCode();
        var jwt = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        using var admin = new HttpClient { BaseAddress = hub.Address };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        const string number = "+15005550006";
        const string accountSid = "AC0123456789abcdef0123456789abcdef";
        const string authToken = "0123456789abcdef0123456789abcdef";
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Support SMS", type = "sms", provider = "twilio", address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = accountSid, ["auth_token"] = authToken, ["from"] = number },
        });
        var channelText = await created.Content.ReadAsStringAsync();
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"channel: {(int)created.StatusCode} {channelText}");
        }

        var channelId = JsonDocument.Parse(channelText).RootElement.GetProperty("id").GetGuid();
        var inboundUrl = new Uri(hub.Address, $"/webhooks/twilio/{channelId}/inbound").AbsoluteUri;

        // The agent: the official client, WebSockets, the member's JWT.
        var received = new long[(options.Seconds + 2) * options.Rate + 1];
        var receivedCount = 0;
        var agent = new HubConnectionBuilder()
            .WithUrl(new Uri(hub.Address, "/hubs/agent"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(jwt);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        agent.On<JsonElement>("message.received", e =>
        {
            var now = Stopwatch.GetTimestamp();
            if (Marker().Match(e.GetRawText()) is { Success: true } m && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                && seq < received.Length && Interlocked.CompareExchange(ref received[seq], now, 0) == 0)
            {
                Interlocked.Increment(ref receivedCount);
            }
        });
        await agent.StartAsync();
        Console.WriteLine($"{target}: hub {hub.Address} ({options.Store}), agent connected");

        // Warm-up (1 s at the rate, not measured), then the measured run; sequence numbers continue.
        var warm = options.Rate;
        var sentAt = new long[received.Length];
        var httpMs = new double[received.Length];
        var errors = 0;
        async Task SendAsync(int seq)
        {
            var customer = $"+1415555{seq % options.Customers:D4}";
            var sid = $"SM{Guid.NewGuid():N}";
            var form = new Dictionary<string, string>
            {
                ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = accountSid, ["From"] = customer, ["To"] = number,
                ["Body"] = $"{Texts[seq % Texts.Length]} [b{seq}]", ["NumMedia"] = "0", ["NumSegments"] = "1", ["ApiVersion"] = "2010-04-01",
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, inboundUrl) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(authToken, inboundUrl, form));
            var start = Stopwatch.GetTimestamp();
            sentAt[seq] = start;
            try
            {
                using var response = await http.SendAsync(request);
                httpMs[seq] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                    {
                        Console.Error.WriteLine($"webhook {seq}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                Interlocked.Increment(ref errors);
                Console.Error.WriteLine($"webhook {seq}: {ex.Message}");
            }
        }

        async Task<List<Task>> PaceAsync(int first, int count)
        {
            var tasks = new List<Task>(count);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * Stopwatch.Frequency / (double)options.Rate);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
                }

                tasks.Add(SendAsync(first + i));
            }

            return tasks;
        }

        await Task.WhenAll(await PaceAsync(1, warm));
        await Machine.WaitForQuietAsync(target, options.QuietWaitSeconds);
        errors = 0;
        var load = Machine.Load();
        var (own0, pg0, machine0) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), Fanout.MachineCpu());
        var wall = Stopwatch.StartNew();
        var measured = options.Rate * options.Seconds;
        var first = warm + 1;
        await Task.WhenAll(await PaceAsync(first, measured));
        // Drain: wait for every message.received (or 10 s without one).
        var last = -1;
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(10) && received.Skip(first).Take(measured).Any(t => t == 0))
        {
            if (Volatile.Read(ref receivedCount) != last)
            {
                last = Volatile.Read(ref receivedCount);
                quiet.Restart();
            }

            await Task.Delay(50);
        }

        var seconds = wall.Elapsed.TotalSeconds;
        var (own1, pg1, machine1) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), Fanout.MachineCpu());
        await agent.DisposeAsync();

        var latencies = Enumerable.Range(first, measured).Where(i => received[i] != 0)
            .Select(i => (received[i] - sentAt[i]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        var https = Enumerable.Range(first, measured).Select(i => httpMs[i]).Order().ToArray();
        double P(double[] xs, double q) => xs.Length == 0 ? double.NaN : xs[Math.Min(xs.Length - 1, (int)(xs.Length * q))];
        var run = new Run(target, measured, latencies.Length, errors, P(latencies, 0.5), P(latencies, 0.99), P(latencies, 0.999), latencies.Length == 0 ? double.NaN : latencies[^1],
            P(https, 0.5), P(https, 0.99), (own1 - own0) / seconds, (pg1 - pg0) / seconds, Math.Max(0, machine1 - machine0 - (own1 - own0) - (pg1 - pg0)) / seconds, load);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target}: {run.Received}/{run.Sent} message.received, HTTP errors {run.HttpErrors}; p50 {run.P50:0.00} ms, p99 {run.P99:0.00} ms, max {run.Max:0.00} ms; webhook HTTP p50 {run.HttpP50:0.00} p99 {run.HttpP99:0.00} ms; cpu hub+clients {run.ServerCpu:0.00} postgres {run.PostgresCpu:0.00} others {run.OthersCpu:0.00}; load {load}"));
        return run;
    }

    [GeneratedRegex(@"\[b(\d+)\]")]
    private static partial Regex Marker();

    /// <summary>The "classifier off" floor: what the inbox gets when the models answer instantly.</summary>
    private sealed class ConstantSentiment : ISentimentClassifier
    {
        public SentimentResult Classify(string text) => new(0, SentimentLabel.Neutral, 1);
    }

    private sealed class ConstantIntent : IIntentClassifier
    {
        public IReadOnlyList<string> Intents { get; } = ["billing"];

        public IntentResult Classify(string text) => new("billing", 1, false) { BestGuess = "billing" };
    }
}
