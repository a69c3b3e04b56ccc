using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Chaos.Backpressure;
using Hub.Chaos.Infrastructure;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.ScaleOut;

namespace Hub.Chaos.Soak;

/// <summary>
/// Steady traffic through one Hub process with thousands of connected end users: pushes in through the REST
/// API and out to the users' sockets, chat messages in from the users and back on their streams. Memory stays
/// flat, nothing fails, and every message sent is received exactly once.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class SoakTests
{
    private const double PushesPerSecond = 40;
    private const double ChatsPerSecond = 20;

    private static TimeSpan Duration => Environment.GetEnvironmentVariable("HUB_SOAK_DURATION") is { Length: > 0 } d
        ? TimeSpan.Parse(d, CultureInfo.InvariantCulture) : TimeSpan.FromSeconds(45);

    private static int Clients => Environment.GetEnvironmentVariable("HUB_SOAK_CLIENTS") is { Length: > 0 } c
        ? int.Parse(c, CultureInfo.InvariantCulture) : 2000;

    [Fact]
    public async Task Steady_traffic_with_thousands_of_clients_keeps_memory_flat_and_accounts_for_every_message()
    {
        var setup = Stopwatch.StartNew();
        await using var node = await SingleNode.StartAsync("Soak", new Dictionary<string, string?>
        {
            ["Kestrel__Limits__MaxConcurrentConnections"] = null,
        });
        var sockets = new List<Client>();
        using var stop = new CancellationTokenSource();
        try
        {
            var admin = await node.AdminTokenAsync();
            using var http = ScaleOutCluster.Http(node.Process, admin);
            http.Timeout = TimeSpan.FromSeconds(60);
            var started = DateTime.UtcNow;

            // Tokens, then sockets, in parallel batches.
            var tokens = new string[Clients];
            await Parallel.ForEachAsync(Enumerable.Range(0, Clients), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                tokens[i] = (await http.PostJsonAsync("/api/v1/client-tokens", new { user_id = $"soak-{i:D5}" })).Str("token"));
            var minted = setup.Elapsed;
            var connected = new Client?[Clients];
            await Parallel.ForEachAsync(Enumerable.Range(0, Clients), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                connected[i] = new Client(i, await RawHubSocket.ConnectAsync(node.ClientHubSocket, tokens[i], ct)));
            sockets.AddRange(connected.Select(c => c!));
            var connectTime = setup.Elapsed - minted;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[soak] {Clients} clients connected: node + tokens {minted.TotalSeconds:F1} s, sockets {connectTime.TotalSeconds:F1} s ({node.StoreKind})"));

            var readers = sockets.Select(c => Task.Run(() => c.ReadAsync(stop.Token))).ToList();
            var pinging = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    foreach (var c in sockets)
                    {
                        if (stop.IsCancellationRequested)
                        {
                            break;
                        }

                        await c.PingAsync(stop.Token);
                    }
                }
            });

            var errors = new ConcurrentBag<string>();
            var pushesSent = 0;
            var chatsSent = 0;
            var samples = new List<(double Seconds, long Rss)>();
            var clock = Stopwatch.StartNew();
            var sampling = Task.Run(async () =>
            {
                while (clock.Elapsed < Duration)
                {
                    lock (samples)
                    {
                        samples.Add((clock.Elapsed.TotalSeconds, node.ResidentBytes()));
                    }

                    await Task.Delay(TimeSpan.FromSeconds(3));
                }
            });

            // Pushes in through the API (a few in flight at once), chats in from the users.
            var pushing = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var n = worker; clock.Elapsed < Duration; n += 4)
                {
                    await PaceAsync(clock, n, PushesPerSecond);
                    var target = sockets[n % sockets.Count];
                    var title = $"push-{n:D6}";
                    target.ExpectPush(title); // before the call: the push may arrive before the answer does
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/api/v1/notifications",
                            new { user_id = $"soak-{target.Index:D5}", title, body = "soak traffic", respect_preferences = false, fallback = false });
                        if (response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref pushesSent);
                        }
                        else
                        {
                            errors.Add($"push {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        errors.Add($"push: {ex.Message}");
                    }
                }
            })).ToList();
            var chatting = Task.Run(async () =>
            {
                for (var n = 0; clock.Elapsed < Duration; n++)
                {
                    await PaceAsync(clock, n, ChatsPerSecond);
                    var sender = sockets[(n * 7919) % sockets.Count];
                    var text = $"chat-{n:D6}";
                    sender.ExpectChat(text);
                    await sender.SendChatAsync(n, text);
                    Interlocked.Increment(ref chatsSent);
                }
            });
            await Task.WhenAll(pushing);
            await chatting;
            await sampling;

            // Drain: every message must arrive.
            var drainClock = Stopwatch.StartNew();
            while (drainClock.Elapsed < TimeSpan.FromSeconds(30) && sockets.Any(c => c.Missing > 0))
            {
                await Task.Delay(200);
            }

            await Task.Delay(500); // a duplicate would arrive now
            await stop.CancelAsync();

            var pushesReceived = sockets.Sum(c => c.PushesReceived);
            var chatsReceived = sockets.Sum(c => c.ChatsReceived);
            var duplicates = sockets.Sum(c => c.Duplicates);
            var chatErrors = sockets.SelectMany(c => c.Errors).ToList();
            var closed = sockets.Count(c => c.ClosedEarly);
            var sent = pushesSent + chatsSent;
            var received = pushesReceived + chatsReceived;

            // Flat memory: after a warm-up (the first quarter), the last third's average and its peak against the first
            // third's average. The peak catches a sawtooth too: garbage piling up for minutes before the GC takes it.
            var steady = samples.Where(s => s.Seconds >= Duration.TotalSeconds / 4).ToList();
            var third = Math.Max(1, steady.Count / 3);
            var early = steady.Take(third).Average(s => (double)s.Rss);
            var late = steady.TakeLast(third).Average(s => (double)s.Rss);
            var peak = steady.TakeLast(third).Max(s => (double)s.Rss);
            var allowed = early + Math.Max(early * 0.15, 32d * 1024 * 1024);
            Console.WriteLine("[soak] RSS samples (s: MB): " + string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:F0}: {s.Rss / 1024 / 1024}"))));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[soak] {Duration.TotalSeconds:F0} s with {Clients} clients: pushes {pushesSent} sent / {pushesReceived} received, chats {chatsSent} sent / {chatsReceived} received, duplicates {duplicates}, errors {errors.Count + chatErrors.Count}, closed early {closed}; RSS first third {early / 1024 / 1024:F0} MB, last third {late / 1024 / 1024:F0} MB, peak {peak / 1024 / 1024:F0} MB (allowed {allowed / 1024 / 1024:F0} MB); total {(DateTime.UtcNow - started).TotalSeconds:F0} s"));

            var allErrors = errors.Concat(chatErrors).ToList();
            Assert.True(allErrors.Count == 0, $"{allErrors.Count} errors, e.g. {string.Join(" | ", allErrors.Take(3))}\nserver: {string.Join('\n', node.Process.Output.Split('\n').Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(12))}");
            Assert.Equal(0, closed);
            Assert.Equal(0, duplicates);
            Assert.Equal(pushesSent, pushesReceived);
            Assert.Equal(chatsSent, chatsReceived);
            Assert.True(sent >= Duration.TotalSeconds * (PushesPerSecond + ChatsPerSecond) * 0.5, $"only {sent} messages were sent in {Duration.TotalSeconds} s");
            Assert.True(late <= allowed, $"RSS grew from {early / 1024 / 1024:F0} MB to {late / 1024 / 1024:F0} MB over the soak");
            Assert.True(peak <= allowed, $"RSS peaked at {peak / 1024 / 1024:F0} MB in the last third (first third {early / 1024 / 1024:F0} MB, allowed {allowed / 1024 / 1024:F0} MB)");

            ChaosReport.Record(ChaosKind.Load, $"Soak {Duration.TotalSeconds:F0} s, {Clients} connected clients, pushes + chats", sent, "messages", sent - received,
                string.Create(CultureInfo.InvariantCulture, $"{pushesSent} pushes + {chatsSent} chats, all received once; 0 errors; RSS {early / 1024 / 1024:F0} -> {late / 1024 / 1024:F0} MB, peak {peak / 1024 / 1024:F0} (first vs last third after warm-up); store {node.StoreKind}"));
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            await pinging;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{node.Process.Tail(60)}", ex);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var c in sockets)
            {
                await c.Socket.DisposeAsync();
            }
        }
    }

    private static async Task PaceAsync(Stopwatch clock, int n, double perSecond)
    {
        var due = TimeSpan.FromSeconds(n / perSecond);
        if (due > clock.Elapsed)
        {
            await Task.Delay(due - clock.Elapsed);
        }
    }

    /// <summary>One soak user: what it expects, and what arrived.</summary>
    private sealed class Client(int index, RawHubSocket socket)
    {
        private readonly ConcurrentDictionary<string, int> _pushes = new();
        private readonly ConcurrentDictionary<string, int> _chats = new();
        private int _duplicates;

        public int Index { get; } = index;

        public RawHubSocket Socket { get; } = socket;

        public ConcurrentBag<string> Errors { get; } = [];

        public bool ClosedEarly { get; private set; }

        public int PushesReceived => _pushes.Values.Count(v => v > 0);

        public int ChatsReceived => _chats.Values.Count(v => v > 0);

        public int Duplicates => _duplicates;

        public int Missing => _pushes.Values.Count(v => v == 0) + _chats.Values.Count(v => v == 0);

        public void ExpectPush(string title) => _pushes.TryAdd(title, 0);

        public void ExpectChat(string text) => _chats.TryAdd(text, 0);

        public async Task SendChatAsync(int n, string text)
        {
            try
            {
                await Socket.SendAsync(JsonSerializer.Serialize(new
                {
                    type = 1,
                    invocationId = n.ToString(CultureInfo.InvariantCulture),
                    target = RealtimeEventNames.MessageSend,
                    arguments = new object[] { new { conversationId = (Guid?)null, content = text } },
                }), CancellationToken.None);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
            {
                Errors.Add($"chat send: {ex.Message}");
            }
        }

        // Once the soak stops, the readers' cancelled receives abort the sockets: a ping racing that is not an error.
        public async Task PingAsync(CancellationToken stopping)
        {
            if (stopping.IsCancellationRequested || Socket.State != System.Net.WebSockets.WebSocketState.Open)
            {
                return;
            }

            try
            {
                await Socket.PingAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
            {
                if (!stopping.IsCancellationRequested)
                {
                    Errors.Add($"ping: {ex.Message}");
                }
            }
        }

        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Socket.ReadAsync(Accept, cancellationToken);
                ClosedEarly = !cancellationToken.IsCancellationRequested;
            }
            catch (OperationCanceledException)
            {
            }
            catch (System.Net.WebSockets.WebSocketException) when (!cancellationToken.IsCancellationRequested)
            {
                ClosedEarly = true;
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
            }
        }

        private void Accept(JsonElement message)
        {
            var type = message.GetProperty("type").GetInt32();
            if (type == 3 && message.TryGetProperty("error", out var error))
            {
                Errors.Add($"chat refused: {error.GetString()}");
            }
            else if (type == 7)
            {
                Errors.Add($"closed by the server: {message.GetRawText()}");
            }
            else if (type == 1)
            {
                var target = message.GetProperty("target").GetString();
                var data = message.GetProperty("arguments")[0].GetProperty("data");
                if (target == RealtimeEventNames.NotificationPush)
                {
                    Count(_pushes, data.GetProperty("title").GetString()!);
                }
                else if (target == RealtimeEventNames.MessageReceived)
                {
                    Count(_chats, data.GetProperty("text").GetString()!);
                }
            }
        }

        private void Count(ConcurrentDictionary<string, int> expected, string key)
        {
            // Only what this test sent counts; a second arrival is a duplicate.
            if (expected.TryGetValue(key, out var seen))
            {
                expected[key] = seen + 1;
                if (seen > 0)
                {
                    Interlocked.Increment(ref _duplicates);
                }
            }
        }
    }
}
