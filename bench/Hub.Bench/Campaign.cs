using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Bench;

/// <summary>
/// Scenario 5, campaign send: N contacts, an email campaign (Liquid content, open/click/unsubscribe tracking) over an
/// <c>smtp</c> channel pointing at postfix's <c>smtp-sink</c>; the clock runs from <c>POST /api/v1/campaigns/{id}/start</c>
/// until the sink has accepted N messages. Peer, back to back into the same sink: nodemailer's pooled transport sending
/// N equivalent messages (<c>bench/peers/mailer.js</c>) over as many connections as Hub's <c>Email:SmtpPoolSize</c>.
/// </summary>
internal static class Campaign
{
    public sealed record Options(int Messages, int Pool, int Batch, int Rounds, int QuietWaitSeconds, string PeersDirectory, IReadOnlyDictionary<string, string?> HubSettings);

    private sealed record Run(string Target, long Accepted, double Seconds, double ServerCpu, double PostgresCpu, double SinkCpu, double OthersCpu, string Load, string Note);

    /// <summary>The campaign's content: a small newsletter with two links (both click-tracked) and the recipient's name.</summary>
    public const string Content = """
        <html><body><h1>Spring sale, {{ contact.first_name }}!</h1>
        <p>Hello {{ contact.first_name }}, our spring collection is here: up to 40% off everything until Sunday.</p>
        <p><a href="https://shop.example.com/sale?utm_source=newsletter">Shop the sale</a> · <a href="https://shop.example.com/new">New arrivals</a></p>
        <p>See you soon,<br>The Example Shop team</p></body></html>
        """;

    public static async Task<int> RunAsync(Options options)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"campaign: {options.Messages} messages, SMTP pool {options.Pool}, campaign batch_size {options.Batch}, {options.Rounds} round(s); {Machine.Describe()}");
        await using var sink = await SmtpSink.StartAsync();
        var templateFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(templateFile, Content);
        var runs = new List<Run>();
        try
        {
            for (var round = 0; round < options.Rounds; round++)
            {
                var order = round % 2 == 0 ? new[] { "hub", "nodemailer" } : ["nodemailer", "hub"];
                foreach (var target in order)
                {
                    runs.Add(target == "hub" ? await HubRunAsync(options, sink) : await NodemailerRunAsync(options, sink, templateFile));
                    var r = runs[^1];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Target}: {r.Accepted} accepted in {r.Seconds:0.00} s = {r.Accepted / r.Seconds:0} msg/s; cpu server {r.ServerCpu:0.00} postgres {r.PostgresCpu:0.00} smtp-sink {r.SinkCpu:0.00} others {r.OthersCpu:0.00}; load {r.Load}; {r.Note}"));
                }
            }
        }
        finally
        {
            File.Delete(templateFile);
        }

        var table = Table(runs, options);
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"campaign: done in {total.Elapsed.TotalSeconds:0} s");
        return runs.All(r => r.Accepted >= options.Messages) ? 0 : 1;
    }

    private static async Task<Run> HubRunAsync(Options options, SmtpSink sink)
    {
        await using var database = await PostgresDatabase.CreateAsync("hub_bench_campaign");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Email:SmtpPoolSize"] = options.Pool.ToString(CultureInfo.InvariantCulture),
            ["Email:ImapEnabled"] = "false",
            ["Tracking:SigningKey"] = Convert.ToBase64String("bench-tracking-key-0123456789abcdef-0123456789"u8.ToArray()),
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Critical",
        };
        foreach (var (key, value) in options.HubSettings)
        {
            settings[key] = value;
        }

        await using var hub = new HubHost(settings);
        hub.Start();
        var seeding = Stopwatch.StartNew();
        await SeedContactsAsync(hub, options.Messages);
        using var http = new HttpClient { BaseAddress = hub.Address, Timeout = TimeSpan.FromMinutes(5) };
        var token = await http.PostAsJsonAsync("/api/v1/auth/token", new { email = HubHost.AdminEmail, password = HubHost.AdminPassword });
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        await Ok(await http.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Newsletter", type = "email", provider = "smtp", address = "news@bench.test",
            settings = new Dictionary<string, string> { ["smtp_host"] = "127.0.0.1", ["smtp_port"] = sink.Port.ToString(CultureInfo.InvariantCulture), ["smtp_security"] = "none" },
        }));
        var created = await Ok(await http.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Spring sale", type = "email", subject_line = "News for {{ contact.first_name }}", sender_name = "Example Shop", content = Content,
            audience = new { conditions = new { all = new[] { new { field = "attributes.box", @operator = "equals", value = "bench" } } } },
            settings = new { batch_size = options.Batch, rate_limit = 0 },
        }));
        var id = created.GetProperty("id").GetGuid();
        Console.WriteLine($"hub: {hub.Address}, PostgreSQL; {options.Messages} contacts, channel and campaign set up in {seeding.Elapsed.TotalSeconds:0.0} s");

        await Machine.WaitForQuietAsync("hub campaign", options.QuietWaitSeconds);
        var load = Machine.Load();
        var before = sink.Messages;
        var (own0, pg0, sink0, machine0) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), SmtpSink.Cpu(sink), Fanout.MachineCpu());
        var start = Stopwatch.GetTimestamp();
        var started = await Ok(await http.PostAsync(new Uri($"/api/v1/campaigns/{id}/start", UriKind.Relative), null));
        // Progress every 5 s (the ledger's states and the sink's count): which stage is the bottleneck.
        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(http, id, sink, before, start, progress.Token);
        var reached = await sink.WaitForAsync(before + options.Messages, TimeSpan.FromSeconds(60));
        var end = reached ?? Stopwatch.GetTimestamp();
        await progress.CancelAsync();
        await reporter;
        var seconds = (end - start) / (double)Stopwatch.Frequency;
        var (own1, pg1, sink1, machine1) = (Machine.OwnCpu(), Machine.CpuOf("postgres"), SmtpSink.Cpu(sink), Fanout.MachineCpu());
        var accepted = sink.Messages - before;

        // Hub's own account must agree: every recipient sent, exactly once.
        JsonElement stats = default;
        for (var i = 0; i < 40; i++)
        {
            stats = await http.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats");
            if (stats.GetProperty("states").GetProperty("sent").GetInt32() >= options.Messages)
            {
                break;
            }

            await Task.Delay(250);
        }

        var states = stats.GetProperty("states");
        var note = $"reach {started.GetProperty("estimated_reach").GetInt32()}, stats: status {stats.GetProperty("status").GetString()}, sent {states.GetProperty("sent").GetInt32()}, failed {states.GetProperty("failed").GetInt32()}, skipped {states.GetProperty("skipped").GetInt32()}";
        return Cpu("hub", accepted, seconds, own1 - own0, pg1 - pg0, sink1 - sink0, machine1 - machine0, load, note);
    }

    private static async Task<Run> NodemailerRunAsync(Options options, SmtpSink sink, string templateFile)
    {
        await using var mailer = NodeProcess.Start(options.PeersDirectory, "nodemailer", "mailer.js",
            "--port", sink.Port.ToString(CultureInfo.InvariantCulture), "--pool", options.Pool.ToString(CultureInfo.InvariantCulture), "--template", templateFile);
        await mailer.NextAsync(TimeSpan.FromSeconds(30));
        await Machine.WaitForQuietAsync("nodemailer", options.QuietWaitSeconds);
        var load = Machine.Load();
        var before = sink.Messages;
        var (node0, pg0, sink0, machine0) = (mailer.CpuSeconds, Machine.CpuOf("postgres"), SmtpSink.Cpu(sink), Fanout.MachineCpu());
        var start = Stopwatch.GetTimestamp();
        var sending = mailer.CommandAsync(new { cmd = "send", count = options.Messages }, TimeSpan.FromMinutes(15));
        var reached = await sink.WaitForAsync(before + options.Messages, TimeSpan.FromSeconds(60));
        var end = reached ?? Stopwatch.GetTimestamp();
        var (node1, pg1, sink1, machine1) = (mailer.CpuSeconds, Machine.CpuOf("postgres"), SmtpSink.Cpu(sink), Fanout.MachineCpu());
        var answer = await sending;
        var seconds = (end - start) / (double)Stopwatch.Frequency;
        var note = $"nodemailer: sent {answer.GetProperty("sent").GetInt64()}, failed {answer.GetProperty("failed").GetInt64()}";
        return Cpu("nodemailer", sink.Messages - before, seconds, node1 - node0, pg1 - pg0, sink1 - sink0, machine1 - machine0, load, note);
    }

    private static async Task ReportProgressAsync(HttpClient http, Guid id, SmtpSink sink, long before, long start, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(5000, cancellationToken);
                var states = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/stats", cancellationToken)).GetProperty("states");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  hub +{Stopwatch.GetElapsedTime(start).TotalSeconds:0}s: ledger pending {states.GetProperty("pending").GetInt32()}, queued {states.GetProperty("queued").GetInt32()}, sent {states.GetProperty("sent").GetInt32()}; sink {sink.Messages - before}"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Run Cpu(string target, long accepted, double seconds, double server, double postgres, double sinkCpu, double machine, string load, string note) =>
        new(target, accepted, seconds, server / seconds, postgres / seconds, sinkCpu / seconds, Math.Max(0, machine - server - postgres - sinkCpu) / seconds, load, note);

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task SeedContactsAsync(HubHost hub, int count)
    {
        Guid workspaceId;
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            workspaceId = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Workspaces.IgnoreQueryFilters().OrderBy(w => w.CreatedAt).Select(w => w.Id).FirstAsync();
        }

        var now = DateTimeOffset.UtcNow;
        var box = JsonSerializer.SerializeToElement("bench");
        for (var start = 0; start < count; start += 2000)
        {
            await using var scope = hub.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            for (var i = start; i < Math.Min(count, start + 2000); i++)
            {
                db.Contacts.Add(new Contact
                {
                    ExternalId = $"reader-{i}", FirstName = $"Reader{i}", Email = $"reader{i}@example.com", CreatedAt = now, UpdatedAt = now,
                    Attributes = { ["box"] = box },
                });
            }

            await db.SaveChangesAsync();
        }
    }

    private static string Table(IReadOnlyList<Run> runs, Options options)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var h = runs.Where(r => r.Target == "hub").ToList();
        var n = runs.Where(r => r.Target == "nodemailer").ToList();
        sb.AppendLine(ci, $"Campaign send, {options.Messages:#,0} emails into postfix smtp-sink, {options.Pool} SMTP connections each (Hub: campaign batch_size {options.Batch}, no rate limit{(options.HubSettings.Count > 0 ? "; " + string.Join(", ", options.HubSettings.Select(kv => $"{kv.Key}={kv.Value}")) : "")}), median of {options.Rounds} round(s) — {Machine.Describe()}; everything shares the cores");
        sb.AppendLine();
        sb.AppendLine("| metric | Hub (campaign start → accepted by the sink) | nodemailer pooled | Hub/nodemailer |");
        sb.AppendLine("|---|---:|---:|---:|");
        if (h.Count > 0 && n.Count > 0)
        {
            var (hr, nr) = (Machine.Median(h.Select(r => r.Accepted / r.Seconds)), Machine.Median(n.Select(r => r.Accepted / r.Seconds)));
            sb.AppendLine(ci, $"| messages/s | {hr:#,0} | {nr:#,0} | {hr / nr:0.00}× |");
            sb.AppendLine(ci, $"| seconds for {options.Messages:#,0} | {Machine.Median(h.Select(r => r.Seconds)):0.0} | {Machine.Median(n.Select(r => r.Seconds)):0.0} | |");
        }

        sb.AppendLine();
        sb.AppendLine("Per run: messages the sink accepted, seconds, CPU in cores (server: Hub's process or node; postgres: every backend, other sessions' included; others: everything else), 1-min load at start, Hub's own count.");
        sb.AppendLine();
        sb.AppendLine("| target | accepted | seconds | msg/s | server cpu | postgres cpu | smtp-sink cpu | others cpu | load | notes |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in runs)
        {
            sb.AppendLine(ci, $"| {r.Target} | {r.Accepted:#,0} | {r.Seconds:0.00} | {r.Accepted / r.Seconds:#,0} | {r.ServerCpu:0.00} | {r.PostgresCpu:0.00} | {r.SinkCpu:0.00} | {r.OthersCpu:0.00} | {r.Load} | {r.Note} |");
        }

        return sb.ToString();
    }
}
