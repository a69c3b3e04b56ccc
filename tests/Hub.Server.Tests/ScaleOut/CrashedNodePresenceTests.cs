using System.Diagnostics;
using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>Presence spans nodes, and a node that dies without a goodbye has its users age out.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class CrashedNodePresenceTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    [RedisFact]
    public Task A_user_on_node_A_is_seen_online_on_node_B_and_goes_offline_after_node_A_is_killed() => cluster.RunAsync(async () =>
    {
        var admin = await cluster.AdminTokenAsync(cluster.B);
        await using var agent = await ScaleOutCluster.ConnectAgentAsync(cluster.B, admin);
        var userId = $"crash-{Guid.NewGuid():N}";
        await using var user = await ScaleOutCluster.ConnectUserAsync(cluster.A, await cluster.MintAsync(cluster.B, admin, userId));
        bool Mine(JsonElement e, string status) => e.Str("userId") == userId && e.Str("status") == status;

        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => Mine(e, "online"));

        // While A lives, its heartbeats keep the user online through B's sweeps, well past the TTL. Real time on
        // purpose: the TTL runs in Redis and the heartbeats in another process, where no test clock reaches.
        await agent.AssertNoneWithinAsync(RealtimeEventNames.PresenceChanged, e => Mine(e, "offline"),
            ScaleOutCluster.PresenceTtl + (2 * ScaleOutCluster.PresenceHeartbeat));

        // SIGKILL: no disconnect handler runs on A; only the expiry in Redis can tell B.
        var clock = Stopwatch.StartNew();
        cluster.A.Kill();
        Assert.True(cluster.A.HasExited);
        var limit = ScaleOutCluster.PresenceTtl + (4 * ScaleOutCluster.PresenceHeartbeat);
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => Mine(e, "offline"), limit + TimeSpan.FromSeconds(10));
        var agedOutAfter = clock.Elapsed;
        Assert.True(agedOutAfter <= limit, $"offline arrived {agedOutAfter.TotalSeconds:F1} s after the kill; expected within {limit.TotalSeconds:F0} s (TTL + 4 heartbeats)");

        // Announced once, however many sweeps run after.
        await Task.Delay(2 * ScaleOutCluster.PresenceHeartbeat);
        Assert.Equal(1, agent.Count(RealtimeEventNames.PresenceChanged, e => Mine(e, "offline")));
        Console.WriteLine($"[scale-out] crashed node's user turned offline {agedOutAfter.TotalSeconds:F2} s after SIGKILL");
    });
}
