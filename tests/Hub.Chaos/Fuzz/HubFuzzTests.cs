using System.Reflection;
using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Core.Realtime;
using Hub.Server.Hubs;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// Every method of <c>/hubs/agent</c> and <c>/hubs/client</c> (found by reflection, so a new one is fuzzed too), invoked
/// through the official SignalR client with missing, null, wrong-typed, oversize and extra arguments: each call ends in
/// a result, a hub error or a closed connection, never an unhandled server exception; a bystander on the same hub keeps
/// working throughout.
/// </summary>
public sealed class HubFuzzTests(LiveHubApp app, ITestOutputHelper output) : IClassFixture<LiveHubApp>
{
    [Fact]
    public async Task Hostile_hub_calls_get_a_hub_error_or_a_closed_connection_and_never_an_unhandled_server_exception()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(HubFuzzTests)));
        var random = FuzzSettings.For(nameof(HubFuzzTests));
        var admin = await app.SignedInAsync();
        await using var bystander = await app.ConnectAgentAsync(admin);
        var errorsBefore = ServerErrors().Count;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var hangs = new List<string>();
        var tried = 0;

        foreach (var (hub, connect) in new (Type Hub, Func<Task<RealtimeClient>> Connect)[]
        {
            (typeof(AgentHub), () => app.ConnectAgentAsync(admin)),
            (typeof(ClientHub), () => app.ConnectUserAsync(admin, $"fuzz-user-{Guid.NewGuid():N}")),
        })
        {
            var client = await connect();
            try
            {
                foreach (var method in Methods(hub))
                {
                    foreach (var args in Arguments(random))
                    {
                        tried++;
                        if (client.Connection.State != HubConnectionState.Connected)
                        {
                            await client.DisposeAsync();
                            client = await connect();
                        }

                        var outcome = await InvokeAsync(client.Connection, method, args);
                        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                        if (outcome == "hang")
                        {
                            hangs.Add($"{hub.Name}.{method}({Describe(args)})");
                        }
                    }
                }
            }
            finally
            {
                await client.DisposeAsync();
            }

            // The bystander was never disturbed: it still answers on the same server.
            var status = await bystander.Connection.InvokeAsync<JsonElement>(RealtimeEventNames.PresenceUpdate, new { status = "away" });
            Assert.Equal(HubConnectionState.Connected, bystander.Connection.State);
            output.WriteLine($"{hub.Name}: bystander presence → {status}");
        }

        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {outcome}: {count}");
        }

        var errors = ServerErrors().Skip(errorsBefore).ToList();
        foreach (var error in errors.Select(e => e.Split('\n')[0]).Distinct().Take(20))
        {
            output.WriteLine(error);
        }

        using var ready = await new HttpClient { BaseAddress = app.Address }.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.True(ready.IsSuccessStatusCode, $"/health/ready → {(int)ready.StatusCode}");
        Assert.True(hangs.Count == 0, "Hub calls that never ended:\n" + string.Join("\n", hangs));
        Assert.True(errors.Count == 0, $"{errors.Count} hub calls failed with an unhandled server exception (seed {FuzzSettings.Seed}):\n"
            + string.Join("\n", errors.Select(e => string.Join(" | ", e.Split('\n').Take(3))).Distinct().Take(20)));
        ChaosReport.Record(ChaosKind.Input, "Hub methods (agent and client hubs): null, wrong-typed, oversize, extra arguments", tried, "invocations",
            errors.Count + hangs.Count, $"seed {FuzzSettings.Seed}");
    }

    private List<string> ServerErrors() =>
        app.Logs.Where(l => (l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal))
            && (l.Contains("SignalR", StringComparison.Ordinal) || l.Contains("Hub.Server", StringComparison.Ordinal))
            // SignalR logs every failed call, refusals included: a HubException is the answer the client should get.
            && !l.Split('\n')[0].Contains("HubException", StringComparison.Ordinal)).ToList();

    private static IEnumerable<string> Methods(Type hub) =>
        hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not ("OnConnectedAsync" or "OnDisconnectedAsync"))
            .Select(m => m.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? m.Name)
            .Distinct();

    private static IEnumerable<object?[]> Arguments(Random random)
    {
        yield return [];
        yield return [null];
        yield return [42];
        yield return ["' OR 1=1 --"];
        yield return [new { conversationId = "not-a-guid", campaignId = "<script>", status = "\r\nBcc: x", afterSeq = -1, messageId = "x" }];
        yield return [new { conversationId = Guid.NewGuid(), campaignId = Guid.NewGuid(), status = "online", afterSeq = long.MaxValue, limit = int.MinValue, content = "", text = (string?)null }];
        yield return [new { conversationId = Guid.Empty, content = new string('x', 200 * 1024), notificationId = Guid.NewGuid(), ids = new[] { Guid.Empty } }];
        yield return [new { content = new string('y', 300 * 1024) }]; // over the hub's 256 KiB message limit: the server closes the connection
        yield return [new object(), new object(), new object()];
        yield return [Deep(60)]; // as deep as the client serializer writes (64)
        for (var i = 0; i < FuzzSettings.Cases; i++)
        {
            yield return [Random(random), Random(random)];
        }
    }

    private static object? Random(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => Hostile.Pick(random),
        2 => random.Next(int.MinValue, int.MaxValue),
        3 => new { conversationId = Hostile.Pick(random), status = Hostile.Pick(random), afterSeq = Hostile.Pick(random), content = Hostile.Pick(random) },
        4 => new[] { Hostile.Pick(random), null },
        _ => new { conversationId = Guid.NewGuid(), content = Hostile.Pick(random), status = Hostile.Pick(random), campaignId = Guid.NewGuid(), notificationId = Guid.NewGuid() },
    };

    private static Dictionary<string, object?> Deep(int depth)
    {
        var root = new Dictionary<string, object?>();
        var current = root;
        for (var i = 0; i < depth; i++)
        {
            var next = new Dictionary<string, object?>();
            current["a"] = next;
            current = next;
        }

        return root;
    }

    private static async Task<string> InvokeAsync(HubConnection connection, string method, object?[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await connection.InvokeCoreAsync(method, typeof(JsonElement), args, timeout.Token);
            return "result";
        }
        catch (HubException)
        {
            return "hub error";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return connection.State == HubConnectionState.Connected ? "hang" : "closed";
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.WebSockets.WebSocketException or TaskCanceledException)
        {
            return "closed";
        }
    }

    private static string Describe(object?[] args) => string.Join(", ", args.Select(a => a is null ? "null" : JsonSerializer.Serialize(a)[..Math.Min(80, JsonSerializer.Serialize(a).Length)]));
}
