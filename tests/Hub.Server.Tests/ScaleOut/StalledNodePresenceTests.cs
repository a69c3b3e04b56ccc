using System.Diagnostics;
using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>
/// A node that stalls (a long GC pause, a frozen VM, Redis out of reach) for longer than the TTL has its
/// users aged out by the other nodes; when it comes back with those connections still open, they must
/// turn online again.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class StalledNodePresenceTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    // How late a sweep or a heartbeat may run on a loaded CI box (three nodes, PostgreSQL and Redis on two cores).
    // Each wait ends at the event, so this only bounds a failure; it stays well under SignalR's 30 s client timeout,
    // which the frozen node's sockets must outlive.
    private static readonly TimeSpan StallSlack = TimeSpan.FromSeconds(12);

    [RedisFact]
    public Task A_user_aged_out_while_node_A_was_frozen_turns_online_again_when_it_resumes() => cluster.RunAsync(async () =>
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // freezes a process with SIGSTOP
        }

        var admin = await cluster.AdminTokenAsync(cluster.B);
        await using var agent = await ScaleOutCluster.ConnectAgentAsync(cluster.B, admin);
        var userId = $"stall-{Guid.NewGuid():N}";
        await using var user = await ScaleOutCluster.ConnectUserAsync(cluster.A, await cluster.MintAsync(cluster.B, admin, userId));
        bool Mine(JsonElement e, string status) => e.Str("userId") == userId && e.Str("status") == status;
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => Mine(e, "online"));

        // Frozen past the TTL: B cannot tell a stall from a crash, and ages the user out.
        Signal("STOP", cluster.A.ProcessId);
        try
        {
            await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => Mine(e, "offline"),
                ScaleOutCluster.PresenceTtl + StallSlack);
        }
        finally
        {
            Signal("CONT", cluster.A.ProcessId);
        }

        // The socket outlived the stall (well within SignalR's 30 s timeout): the user is still there ...
        await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "still here"));
        Assert.Equal(HubConnectionState.Connected, user.Connection.State);

        // ... so A's next heartbeats must put them back online.
        var deadline = DateTime.UtcNow + StallSlack;
        while (agent.Count(RealtimeEventNames.PresenceChanged, e => Mine(e, "online")) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(["online", "offline", "online"], agent.Events
            .Where(e => e.Name == RealtimeEventNames.PresenceChanged && e.Data.Str("userId") == userId)
            .Select(e => e.Data.Str("status")));
    });

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
