using Hub.Core.Realtime;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Server.Tests.Realtime;

[Collection(LiveHubCollection.Name)]
public sealed class TypingPresenceTests(LiveHubApp app)
{
    [Fact]
    public async Task Typing_is_debounced_and_expires_without_a_refresh()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        var userId = $"typist-{Guid.NewGuid():N}";
        await using var user = await app.ConnectUserAsync(admin, userId);
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "hi"))).ConversationId;

        // Three quick starts within the debounce window: agents hear "typing" once.
        for (var i = 0; i < 3; i++)
        {
            await user.Connection.InvokeAsync(RealtimeEventNames.TypingStart, new ConversationRef(conversation));
        }

        bool Mine(System.Text.Json.JsonElement e, bool typing) =>
            e.Str("conversationId") == conversation.ToString() && e.Str("userId") == userId && e.GetProperty("isTyping").GetBoolean() == typing;
        await agent.WaitForAsync(RealtimeEventNames.TypingIndicator, e => Mine(e, true));

        // No refresh: the server turns it off by itself after the timeout (1 s in this fixture).
        var off = await agent.WaitForAsync(RealtimeEventNames.TypingIndicator, e => Mine(e, false), TimeSpan.FromSeconds(5));
        Assert.False(off.GetProperty("isTyping").GetBoolean());
        // The "off" came after all three starts on the same path: a second "typing" for them would be here by now.
        Assert.Equal(1, agent.Count(RealtimeEventNames.TypingIndicator, e => Mine(e, true)));
    }

    [Fact]
    public async Task Typing_stop_is_heard_at_once_and_agents_typing_reaches_the_user()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        await using var user = await app.ConnectUserAsync(admin, $"typist-{Guid.NewGuid():N}");
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "hi"))).ConversationId;

        await agent.Connection.InvokeAsync(RealtimeEventNames.TypingStart, new ConversationRef(conversation));
        await user.WaitForAsync(RealtimeEventNames.TypingIndicator, e => e.GetProperty("isTyping").GetBoolean());
        await agent.Connection.InvokeAsync(RealtimeEventNames.TypingStop, new ConversationRef(conversation));
        var stopped = await user.WaitForAsync(RealtimeEventNames.TypingIndicator, e => !e.GetProperty("isTyping").GetBoolean(), TimeSpan.FromMilliseconds(900));
        Assert.Equal(conversation.ToString(), stopped.Str("conversationId"));
    }

    [Fact]
    public async Task A_user_with_two_devices_stays_present_until_the_last_one_leaves()
    {
        var admin = await app.SignedInAsync();
        await using var agent = await app.ConnectAgentAsync(admin);
        var userId = $"multi-{Guid.NewGuid():N}";
        var phone = await app.ConnectUserAsync(admin, userId);
        var laptop = await app.ConnectUserAsync(admin, userId);
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "online");
        Assert.Equal(1, agent.Count(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "online"));

        // One device away, the other online: still online. Both away: away.
        await phone.Connection.InvokeAsync<PresenceStatus>(RealtimeEventNames.PresenceUpdate, new PresenceUpdate(PresenceStatus.Away));
        // Fence: another user of the workspace comes online after the phone's update was handled (the call has
        // answered); the agent hears that, so a wrong "away" would be here first.
        await agent.AssertNoneAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "away", async () =>
        {
            var fenceUser = $"fence-{Guid.NewGuid():N}";
            await using var fence = await app.ConnectUserAsync(admin, fenceUser);
            await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == fenceUser && e.Str("status") == "online");
        });
        var status = await laptop.Connection.InvokeAsync<PresenceStatus>(RealtimeEventNames.PresenceUpdate, new PresenceUpdate(PresenceStatus.Away));
        Assert.Equal(PresenceStatus.Away, status);
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "away");

        // The phone comes back, then closes: the user falls back to the laptop's "away". That change is what the
        // phone's disconnect sends, so it is the event to wait for: a wrong "offline" would have been sent instead.
        await phone.Connection.InvokeAsync<PresenceStatus>(RealtimeEventNames.PresenceUpdate, new PresenceUpdate(PresenceStatus.Online));
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "online", skip: 1);
        await phone.DisposeAsync();
        var fallenBack = await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") != "online", skip: 1);
        Assert.Equal("away", fallenBack.Str("status"));
        await laptop.DisposeAsync();
        await agent.WaitForAsync(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "offline");
        Assert.Equal(1, agent.Count(RealtimeEventNames.PresenceChanged, e => e.Str("userId") == userId && e.Str("status") == "offline"));
    }

    [Fact]
    public async Task Agents_see_who_else_is_viewing_a_conversation()
    {
        var admin = await app.SignedInAsync();
        var colleague = await app.NewMemberAsync(admin, "agent");
        await using var first = await app.ConnectAgentAsync(admin);
        await using var second = await app.ConnectAgentAsync(colleague);
        await using var user = await app.ConnectUserAsync(admin, $"viewed-{Guid.NewGuid():N}");
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "hi"))).ConversationId;

        await first.Connection.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(conversation));
        var viewers = await second.Connection.InvokeAsync<IReadOnlyList<Viewer>>(RealtimeEventNames.ConversationView, new ConversationRef(conversation));
        Assert.Equal(2, viewers.Count);
        await first.WaitForAsync(RealtimeEventNames.ConversationViewers, e => e.GetProperty("viewers").GetArrayLength() == 2);

        // Closing the tab counts as leaving.
        await second.DisposeAsync();
        var after = await first.WaitForAsync(RealtimeEventNames.ConversationViewers,
            e => e.Str("conversationId") == conversation.ToString() && e.GetProperty("viewers").GetArrayLength() == 1);
        Assert.Equal("Admin", after.GetProperty("viewers")[0].Str("name"));
    }
}

/// <summary>A private note's @mention reaches the mentioned agent live, and only them.</summary>
[Collection(LiveHubCollection.Name)]
public sealed class MentionTests(LiveHubApp app)
{
    [Fact]
    public async Task A_mentioned_agent_is_told_live_and_others_are_not()
    {
        var admin = await app.SignedInAsync();
        var handle = $"sam{Guid.NewGuid():N}"[..12];
        var sam = await admin.PostJsonAsync("/api/v1/members", new { email = $"{handle}@example.com", display_name = "Sam", role = "agent", password = "Sam-Passw0rd-123" });
        var samClient = await app.SignedInAsync($"{handle}@example.com", "Sam-Passw0rd-123");
        var other = await app.NewMemberAsync(admin, "agent");
        await using var samHub = await app.ConnectAgentAsync(samClient);
        await using var otherHub = await app.ConnectAgentAsync(other);
        await using var user = await app.ConnectUserAsync(admin, $"mention-{Guid.NewGuid():N}");
        var conversation = (await user.Connection.InvokeAsync<SendMessageResult>(RealtimeEventNames.MessageSend, new SendMessageRequest(null, "help"))).ConversationId;

        var note = await admin.PostJsonAsync($"/api/v1/conversations/{conversation}/messages", new { content = $"@{handle} please take this one", @private = true });

        var mention = await samHub.WaitForAsync(RealtimeEventNames.Mention);
        Assert.Equal(conversation.ToString(), mention.Str("conversationId"));
        Assert.Equal(note.Str("id"), mention.Str("messageId"));
        Assert.Contains("please take this one", mention.Str("excerpt"), StringComparison.Ordinal);
        // Fence: a second note, written after the first had answered, reaches every agent of the workspace; a mention of
        // the first meant for the other agent would have come before it.
        await otherHub.AssertNoneAsync(RealtimeEventNames.Mention, null, async () =>
        {
            var second = await admin.PostJsonAsync($"/api/v1/conversations/{conversation}/messages", new { content = "no one mentioned", @private = true });
            await otherHub.WaitForAsync(RealtimeEventNames.MessageReceived, e => e.GetProperty("data").Str("id") == second.Str("id"));
        });
        Assert.Equal(sam.Str("id"), note.GetProperty("mentions")[0].GetString());
    }
}
