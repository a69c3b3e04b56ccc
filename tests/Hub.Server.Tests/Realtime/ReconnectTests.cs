using System.Text.Json;
using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.Realtime;

/// <summary>A dropped WebSocket loses nothing: the client resumes from the last sequence it saw.</summary>
[Collection(LiveHubCollection.Name)]
public sealed class ReconnectTests(LiveHubApp app)
{
    [Fact]
    public async Task A_dropped_socket_mid_stream_resumes_with_every_event_exactly_once_in_order()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        var token = await LiveHubApp.MintAsync(admin, $"flaky-{Guid.NewGuid():N}");
        await using var user = await RealtimeClient.ConnectAsync(new Uri(app.Address!, "/hubs/client"), token, autoReconnect: true);
        var follower = new StreamFollower();
        var reconnected = 0;
        var replayed = 0;
        var resumedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        user.Connection.Reconnected += async _ =>
        {
            Interlocked.Increment(ref reconnected);
            lock (follower)
            {
                foreach (var e in user.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived))
                {
                    follower.Accept(e.Data);
                }
            }

            var resumed = await user.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(follower.LastSeq));
            Interlocked.Add(ref replayed, resumed.Replayed);
            resumedOnce.TrySetResult();
        };

        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "start"))).ConversationId;
        const int total = 40;
        long lastSeq = 0;
        for (var i = 0; i < total; i++)
        {
            // The stream keeps flowing while the client is away (m12-m23 can only come from the replay), while it comes
            // back (m24-m31 race its reconnect and resume) and after it has resumed (m32 on are live).
            if (i == 12)
            {
                user.DropSocketAndStayAway();
            }
            else if (i == 24)
            {
                user.ComeBack();
            }
            else if (i == 32)
            {
                await resumedOnce.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }

            await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, $"m{i:D2}"));
        }

        // The user's stream: its own "start" echo, then the agent's 40 messages.
        lastSeq = 1 + total;
        await user.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("seq").GetInt64() == lastSeq, TimeSpan.FromSeconds(20));

        var final = new StreamFollower();
        foreach (var e in user.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived))
        {
            final.Accept(e.Data);
        }

        Assert.True(reconnected >= 1, "the client should have reconnected after the drop");
        Assert.True(replayed > 0, "events sent while the socket was down must come from the replay");
        Assert.Equal(lastSeq, final.LastSeq);
        var texts = final.Delivered.Select(e => e.GetProperty("data").Str("text")).Where(t => t.StartsWith('m')).ToList();
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i:D2}"), texts);
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), final.Delivered.Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Resume_replays_only_what_came_after_the_given_seq_in_order()
    {
        var admin = await app.SignedInAsync();
        var userId = $"resumer-{Guid.NewGuid():N}";
        await using var agent = await app.ConnectAgentAsync(admin);
        await using (var first = await app.ConnectUserAsync(admin, userId))
        {
            var conversation = (await first.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "one"))).ConversationId;
            for (var i = 0; i < 5; i++)
            {
                await agent.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, $"r{i}"));
            }
        }

        await using var later = await app.ConnectUserAsync(admin, userId);
        var result = await later.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(3));
        Assert.False(result.ResyncRequired);
        Assert.Equal(6, result.LastSeq);
        Assert.Equal(3, result.Replayed);
        await later.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("seq").GetInt64() == 6);
        await later.RoundTripAsync(); // a replay beyond the three would have come before this answer
        var replayed = later.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived).Select(e => e.Data.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal([4L, 5L, 6L], replayed);
        Assert.Equal(["r2", "r3", "r4"], later.Events.Where(e => e.Name == RealtimeEventNames.MessageReceived).Select(e => e.Data.GetProperty("data").Str("text")));
    }

    [Fact]
    public async Task A_client_too_far_behind_is_told_to_resync()
    {
        var admin = await app.SignedInAsync();
        var userId = $"behind-{Guid.NewGuid():N}";
        // Two agent connections share the 55 sends, each staying within its connection's burst of messages.
        await using var agent = await app.ConnectAgentAsync(admin);
        await using var colleague = await app.ConnectAgentAsync(admin);
        await using var user = await app.ConnectUserAsync(admin, userId);
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "x"))).ConversationId;
        for (var i = 0; i < 55; i++)
        {
            var sender = i % 2 == 0 ? agent : colleague;
            await sender.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(conversation, $"b{i}"));
        }

        // The fixture keeps replays to 50 events: 56 behind is too far.
        var result = await user.Connection.InvokeAsync<ResumeResult>(RealtimeEventNames.Resume, new ResumeRequest(0));
        Assert.True(result.ResyncRequired);
        Assert.Equal(0, result.Replayed);
        var resync = await user.WaitForAsync(RealtimeEventNames.Resync);
        Assert.Equal(56, resync.GetProperty("lastSeq").GetInt64());
    }
}
