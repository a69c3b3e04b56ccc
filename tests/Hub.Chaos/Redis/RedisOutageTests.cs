using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.ScaleOut;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Chaos.Redis;

/// <summary>
/// Redis (the backplane and presence store of two nodes) is SIGKILLed while users and agents are connected to
/// both nodes: each node keeps serving its own clients meanwhile, and once Redis is back every user has every
/// message of their stream, in order, with no gap and none twice, and cross-node delivery works again.
/// </summary>
public sealed class RedisOutageTests
{
    private const int ChaosRedisPort = 26379;

    private static readonly bool Full = Environment.GetEnvironmentVariable("HUB_CHAOS_FULL") == "true";

    [RedisServerFact]
    public async Task Clients_on_two_nodes_keep_local_delivery_while_Redis_is_down_and_resume_without_a_gap_when_it_is_back()
    {
        var perPhase = Full ? 30 : 8;
        await using var redis = new ChaosRedis(ChaosRedisPort);
        await redis.KillAsync(); // a leftover of an aborted run
        await redis.StartAsync();
        await using var cluster = new ClusterLifetime(new ScaleOutCluster { Redis = redis.Configuration });
        await cluster.Cluster.RunAsync(async () =>
        {
            var c = cluster.Cluster;
            var admin = await c.AdminTokenAsync(c.A);
            await using var agentA = await ScaleOutCluster.ConnectAgentAsync(c.A, admin);
            await using var agentB = await ScaleOutCluster.ConnectAgentAsync(c.B, admin);
            var userA = await User.ConnectAsync(c, c.A, admin, "on-a");
            var userB = await User.ConnectAsync(c, c.B, admin, "on-b");
            await using var _ = userA;
            await using var __ = userB;

            // Healthy: each agent writes to the user on the other node.
            await SendAsync(agentB, userA, perPhase, "before");
            await SendAsync(agentA, userB, perPhase, "before");
            await userA.WaitForTextAsync($"before-{perPhase - 1:D3}");
            await userB.WaitForTextAsync($"before-{perPhase - 1:D3}");

            await redis.KillAsync();

            // Redis is down: agent A's messages to the user on A must still arrive live (the node serves its own
            // clients); those to the user on B are stored and must not make the send fail.
            await SendAsync(agentA, userA, perPhase, "outage-local");
            await userA.WaitForTextAsync($"outage-local-{perPhase - 1:D3}", TimeSpan.FromSeconds(20));
            await SendAsync(agentA, userB, perPhase, "outage-remote");
            var liveOnBDuringOutage = userB.Texts().Count(t => t.StartsWith("outage-remote", StringComparison.Ordinal));

            await redis.StartAsync();

            // Back: cross-node delivery returns by itself (the nodes reconnect and resubscribe) ...
            var recovered = await WaitForCrossNodeAsync(agentB, userA, TimeSpan.FromSeconds(30));
            var recoveredBack = await WaitForCrossNodeAsync(agentA, userB, TimeSpan.FromSeconds(30));

            // ... and a client that missed events resumes from the last seq it holds, as the JS example does on a gap.
            await userA.ResumeAsync();
            await userB.ResumeAsync();
            await SendAsync(agentB, userA, perPhase, "after");
            await SendAsync(agentA, userB, perPhase, "after");
            await userA.WaitForTextAsync($"after-{perPhase - 1:D3}", TimeSpan.FromSeconds(20));
            await userB.WaitForTextAsync($"after-{perPhase - 1:D3}", TimeSpan.FromSeconds(20));
            await Task.Delay(300); // anything stray would arrive now

            var lost = 0L;
            foreach (var user in new[] { userA, userB })
            {
                var follower = user.Follow();
                var expected = user.Sent;
                Assert.Equal(0, follower.Early);
                Assert.Equal(Enumerable.Range(1, (int)follower.Follower.LastSeq).Select(i => (long)i), follower.Follower.Delivered.Select(e => e.GetProperty("seq").GetInt64()));
                var got = follower.Follower.Delivered.Select(e => e.GetProperty("data").Str("text")).Where(t => t != "start").ToList();
                Assert.Equal(expected, got);
                lost += expected.Count - got.Count;
                Console.WriteLine($"[chaos-redis] user {user.Name}: sent {expected.Count}, received {got.Count} in order (seq 1..{follower.Follower.LastSeq}), duplicates dropped {follower.Follower.Duplicates}");
            }

            var sent = userA.Sent.Count + userB.Sent.Count;
            Console.WriteLine($"[chaos-redis] live on B during the outage: {liveOnBDuringOutage}/{perPhase}; cross-node back after {recovered.TotalSeconds:F1} s / {recoveredBack.TotalSeconds:F1} s");
            ChaosReport.Record(ChaosKind.Fault, "Redis SIGKILLed under two nodes; local delivery kept, resume after", sent, "messages", lost,
                $"{sent} sent, {sent - lost} received in order with no gap; {perPhase} delivered live on the same node during the outage; cross-node again {Math.Max(recovered.TotalSeconds, recoveredBack.TotalSeconds):F1} s after restart; store {c.StoreKind}");
        });
    }

    private static async Task SendAsync(RealtimeClient agent, User user, int count, string label)
    {
        for (var i = 0; i < count; i++)
        {
            var text = $"{label}-{i:D3}";
            await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(user.ConversationId, text));
            user.Sent.Add(text);
        }
    }

    /// <summary>Sends probes from <paramref name="agent"/> until one reaches <paramref name="user"/> live; returns how long it took.</summary>
    private static async Task<TimeSpan> WaitForCrossNodeAsync(RealtimeClient agent, User user, TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        for (var i = 0; DateTime.UtcNow - started < timeout; i++)
        {
            var text = $"probe-{i:D3}";
            await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(user.ConversationId, text));
            user.Sent.Add(text);
            try
            {
                await user.WaitForTextAsync(text, TimeSpan.FromSeconds(1));
                return DateTime.UtcNow - started;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException($"No message crossed to user {user.Name} within {timeout.TotalSeconds:F0} s of Redis being back.");
    }

    /// <summary>An end user on one node with a conversation, who remembers what was sent to it.</summary>
    private sealed class User : IAsyncDisposable
    {
        private User(string name, RealtimeClient client, Guid conversationId)
        {
            Name = name;
            Client = client;
            ConversationId = conversationId;
        }

        public string Name { get; }

        public RealtimeClient Client { get; }

        public Guid ConversationId { get; }

        public List<string> Sent { get; } = [];

        public static async Task<User> ConnectAsync(ScaleOutCluster cluster, HubProcess node, string admin, string name)
        {
            var token = await cluster.MintAsync(node, admin, $"{name}-{Guid.NewGuid():N}");
            var client = await ScaleOutCluster.ConnectUserAsync(node, token);
            var conversation = (await client.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "start"))).ConversationId;
            return new User(name, client, conversation);
        }

        public IEnumerable<string> Texts() => Client.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived).Select(e => e.Data.GetProperty("data").Str("text"));

        public Task WaitForTextAsync(string text, TimeSpan? timeout = null) =>
            Client.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == text, timeout ?? TimeSpan.FromSeconds(15));

        /// <summary>Everything received so far, put through what a client does with sequenced events.</summary>
        public (StreamFollower Follower, int Early) Follow()
        {
            var follower = new StreamFollower();
            var all = Client.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived).Select(e => e.Data).ToList();
            foreach (var e in all)
            {
                follower.Accept(e);
            }

            var early = all.Select(e => e.GetProperty("seq").GetInt64()).Distinct().Count(s => s > follower.LastSeq);
            return (follower, early);
        }

        public async Task ResumeAsync()
        {
            var resumed = await Client.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(Follow().Follower.LastSeq));
            Assert.False(resumed.ResyncRequired);
        }

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    /// <summary>Disposes the cluster (both nodes, its database) however the test ends.</summary>
    private sealed class ClusterLifetime(ScaleOutCluster cluster) : IAsyncDisposable
    {
        public ScaleOutCluster Cluster { get; } = cluster;

        public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
    }
}
