using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>A user dropped from one node resumes on the other and misses nothing.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class ResumeAcrossNodesTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    [RedisFact]
    public Task A_user_dropped_from_node_A_resumes_on_node_B_with_every_message_exactly_once_in_order() => cluster.RunAsync(async () =>
    {
        const int total = 20;
        var admin = await cluster.AdminTokenAsync(cluster.A);
        await using var agent = await ScaleOutCluster.ConnectAgentAsync(cluster.B, admin);
        var token = await cluster.MintAsync(cluster.A, admin, $"roamer-{Guid.NewGuid():N}");
        await using var first = await ScaleOutCluster.ConnectUserAsync(cluster.A, token);
        var conversation = (await first.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "start"))).ConversationId;
        await first.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("seq").GetInt64() == 1);

        // The agent on B keeps writing while the user is away and while they come back.
        var follower = new StreamFollower();
        long lastSeen = 0;
        Task<(RealtimeClient, ResumeResult)>? comingBack = null;
        for (var i = 0; i < total; i++)
        {
            if (i == 8)
            {
                // Mid-way, the user's network drops (no goodbye) ...
                await first.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("text") == "m07", TimeSpan.FromSeconds(15));
                first.DropSocket();
                foreach (var e in first.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived))
                {
                    follower.Accept(e.Data);
                }

                lastSeen = follower.LastSeq;
                Assert.True(lastSeen >= 9, $"the user saw up to seq {lastSeen} on node A before the drop");
                Assert.Equal(0, follower.Duplicates);
            }
            else if (i == 12)
            {
                // ... and, after four messages went out while it was away, the client comes back on the other node,
                // from the last seq it saw, while the agent goes on writing.
                comingBack = ComeBackAsync(lastSeen);
            }

            await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, $"m{i:D2}"));
        }

        var (client, resumed) = await comingBack!.WaitAsync(TimeSpan.FromSeconds(30));
        await using var second = client;
        Assert.False(resumed.ResyncRequired);
        Assert.True(resumed.Replayed > 0, "what was sent while the user was away must come from the replay");
        Assert.StartsWith("user:", resumed.Stream, StringComparison.Ordinal);

        // Fence: one more message on the same stream, through the same backplane; a stray copy of an earlier one
        // (from the replay or the live path) would have been sent before it.
        await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, "fence"));
        const long lastSeq = 1 + total + 1; // the user's "start", the agent's messages, the fence
        await second.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("seq").GetInt64() == lastSeq, TimeSpan.FromSeconds(15));

        foreach (var e in second.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived))
        {
            follower.Accept(e.Data);
        }

        Assert.Equal(lastSeq, follower.LastSeq);
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), follower.Delivered.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(["start", .. Enumerable.Range(0, total).Select(i => $"m{i:D2}"), "fence"], follower.Delivered.Select(e => e.GetProperty("data").Str("text")));

        // Between them the two connections got every seq; none beyond the stream's end, none from elsewhere.
        var seen = first.Events.Concat(second.Events).Where(e => e.Name == RealtimeEventNames.MessageReceived)
            .Select(e => e.Data.GetProperty("seq").GetInt64()).ToHashSet();
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i).ToHashSet(), seen);
        Assert.All(first.Events.Concat(second.Events).Where(e => e.Name == RealtimeEventNames.MessageReceived),
            e => Assert.Equal(resumed.Stream, e.Data.Str("stream")));
        Console.WriteLine($"[scale-out] dropped after seq {lastSeen}; resume on B replayed {resumed.Replayed}; duplicates dropped by the client: {follower.Duplicates}");

        async Task<(RealtimeClient, ResumeResult)> ComeBackAsync(long afterSeq)
        {
            var back = await ScaleOutCluster.ConnectUserAsync(cluster.B, token);
            return (back, await back.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(afterSeq)));
        }
    });
}
