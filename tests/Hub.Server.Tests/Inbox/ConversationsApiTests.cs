using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>The shared inbox over REST: replies, notes, status, labels, filters, search, canned responses.</summary>
[Collection(HubCollection.Name)]
public sealed class ConversationsApiTests(HubApp app)
{
    [Fact]
    public async Task An_email_reply_goes_out_through_the_outbox_and_threads_on_the_customers_mail()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var inbound = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"c-{Guid.NewGuid():N}@example.com", "Refund", "<orig-1@example.com>"));

        var reply = await admin.PostJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "We refunded you." });
        Assert.Equal("queued", reply.Str("status"));
        Assert.Equal("Re: Refund", reply.Str("subject"));

        // The host's own delivery workers pick it up (dev sink provider on this channel).
        var sent = await admin.WaitForMessageAsync(reply.Str("id"), m => m.Str("status") == "sent");
        Assert.StartsWith("dev-sink-", sent.Str("external_id"), StringComparison.Ordinal);
        Assert.Equal("sent", sent.Str("delivery"));
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{inbound.ConversationId}");
        Assert.NotEqual(JsonValueKind.Null, conversation.GetProperty("first_response_at").ValueKind);
    }

    [Fact]
    public async Task Replying_to_a_resolved_conversation_reopens_it()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var inbound = await ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, "+14155550142", "+15550001111", "thanks!"));
        var resolved = await (await admin.PatchAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}", new { status = "resolved" })).JsonAsync();
        Assert.Equal("resolved", resolved.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("resolved_at").ValueKind);

        await admin.PostJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "One more thing" });
        var reopened = await admin.GetJsonAsync($"/api/v1/conversations/{inbound.ConversationId}");
        Assert.Equal("open", reopened.Str("status"));
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolved_at").ValueKind);
    }

    [Fact]
    public async Task Sending_where_the_contact_has_no_address_or_over_the_channel_limit_is_a_422_with_the_reason()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var contact = await admin.PostJsonAsync("/api/v1/contacts", new { email = $"{Guid.NewGuid():N}@example.com" });
        var noPhone = await admin.PostAsJsonAsync("/api/v1/conversations", new { contact_id = contact.Str("id"), channel = "sms", message = "hello" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noPhone.StatusCode);
        Assert.Contains("no sms address", (await noPhone.JsonAsync()).Str("detail"), StringComparison.Ordinal);

        var inbound = await ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, "+14155550199", "+15550001111", "hi"));
        var tooLong = await admin.PostAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = new string('a', 1600) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("segments", (await tooLong.JsonAsync()).Str("detail"), StringComparison.Ordinal);
        var emoji = await admin.PostAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = string.Concat(Enumerable.Repeat("🙂", 400)) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, emoji.StatusCode);
    }

    [Fact]
    public async Task Private_notes_mention_members_and_never_reach_the_outbox()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var colleagueEmail = $"sam{Guid.NewGuid():N}"[..12] + "@example.com";
        var colleague = await admin.PostJsonAsync("/api/v1/members", new { email = colleagueEmail, display_name = "Sam", role = "agent", password = "Sam-Passw0rd-123" });
        var inbound = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"n-{Guid.NewGuid():N}@example.com", "Help", $"<{Guid.NewGuid():N}@x>"));

        var note = await admin.PostJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages",
            new { content = $"@{colleagueEmail.Split('@')[0]} can you check the invoice?", @private = true });
        Assert.Equal("note", note.Str("direction"));
        Assert.Contains(colleague.Str("id"), note.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        var fetched = await admin.GetJsonAsync($"/api/v1/messages/{note.Str("id")}");
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("delivery").ValueKind);
    }

    [Fact]
    public async Task Filters_labels_and_search_find_the_right_conversations_with_cursor_paging()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var refund = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"f1-{Guid.NewGuid():N}@example.com", "Refund please", $"<{Guid.NewGuid():N}@x>")
            with { Text = "I would like a refund for the blue kettle" });
        var sms = await ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, "+14155550177", "+15550001111", "where is my parcel"));
        await admin.PatchAsJsonAsync($"/api/v1/conversations/{refund.ConversationId}", new { labels = new[] { "Billing", "vip" } });
        var me = await admin.GetJsonAsync("/api/v1/auth/me");
        await admin.PostJsonAsync($"/api/v1/conversations/{sms.ConversationId}/assign", new { assignee_id = me.Str("subject") });

        async Task<List<string>> Ids(string query) =>
            [.. (await admin.GetJsonAsync($"/api/v1/conversations?{query}")).GetProperty("items").EnumerateArray().Select(c => c.Str("id"))];

        Assert.Equal([refund.ConversationId.ToString()], await Ids("label=billing"));
        Assert.Equal([sms.ConversationId.ToString()], await Ids("channel=sms"));
        Assert.Equal([sms.ConversationId.ToString()], await Ids("assignee=me"));
        Assert.Equal([refund.ConversationId.ToString()], await Ids("assignee=unassigned"));
        Assert.Equal([refund.ConversationId.ToString()], await Ids("q=kettle"));
        Assert.Empty(await Ids("q=nonexistentword"));
        Assert.Equal(2, (await Ids("status=open")).Count);

        var first = await admin.GetJsonAsync("/api/v1/conversations?limit=1");
        var second = await admin.GetJsonAsync($"/api/v1/conversations?limit=1&cursor={first.Str("next_cursor")}");
        Assert.NotEqual(first.GetProperty("items")[0].Str("id"), second.GetProperty("items")[0].Str("id"));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task Canned_responses_fill_placeholders_and_refuse_bad_templates_and_duplicates()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var inbound = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"canned-{Guid.NewGuid():N}@example.com", "Hi", $"<{Guid.NewGuid():N}@x>") with { FromName = "Ada Lovelace" });
        var canned = await admin.PostJsonAsync("/api/v1/canned-responses", new { short_code = "thanks", content = "Hi {{ contact.first_name }}, thanks for writing! — {{ agent.name }}" });
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/canned-responses", new { short_code = "thanks", content = "again" })).StatusCode);
        var broken = await admin.PostAsJsonAsync("/api/v1/canned-responses", new { short_code = "broken", content = "Hi {{ contact.first_name " });
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);

        var contactName = (await admin.GetJsonAsync($"/api/v1/conversations/{inbound.ConversationId}")).Str("contact_name");
        Assert.Equal("Ada Lovelace", contactName);
        var rendered = await admin.GetJsonAsync($"/api/v1/canned-responses/{canned.Str("id")}/render?conversation_id={inbound.ConversationId}");
        Assert.Equal("Hi Ada, thanks for writing! — Other admin", rendered.Str("content"));
        Assert.Single((await admin.GetJsonAsync("/api/v1/canned-responses?search=/than")).EnumerateArray());
    }

    [Fact]
    public async Task Another_workspace_cannot_see_or_touch_the_conversation()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var inbound = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"iso-{Guid.NewGuid():N}@example.com", "Private", $"<{Guid.NewGuid():N}@x>"));
        var outsider = await app.NewWorkspaceAsync($"Outsider {Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/conversations/{inbound.ConversationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/conversations/{inbound.ConversationId}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PatchAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}", new { status = "resolved" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/messages/{inbound.MessageId}")).StatusCode);
        Assert.Empty((await outsider.GetJsonAsync("/api/v1/conversations")).GetProperty("items").EnumerateArray());
        var marketer = await app.NewMemberAsync(admin, "marketer");
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.GetAsync("/api/v1/conversations")).StatusCode);
    }

    [Fact]
    public async Task A_reply_can_go_out_on_another_channel_to_the_contacts_address_there()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var phone = $"+1415555{Random.Shared.Next(1000, 9999)}";
        var inbound = await ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, phone, "+15550001111", "call me maybe"));
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{inbound.ConversationId}");

        var noEmail = await admin.PostAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "By mail", channel = "email" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noEmail.StatusCode);
        Assert.Contains("no email address", (await noEmail.JsonAsync()).Str("detail"), StringComparison.Ordinal);
        var chat = await admin.PostAsJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "By chat", channel = "chat" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, chat.StatusCode);

        var email = $"sw-{Guid.NewGuid():N}@example.com";
        (await admin.PatchAsJsonAsync($"/api/v1/contacts/{conversation.Str("contact_id")}", new { email })).EnsureSuccessStatusCode();
        var reply = await admin.PostJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "Details by mail", channel = "email" });
        Assert.Equal("email", reply.Str("channel"));
        Assert.Equal(email, reply.Str("address"));
        var sms = await admin.PostJsonAsync($"/api/v1/conversations/{inbound.ConversationId}/messages", new { content = "And by text" });
        Assert.Equal("sms", sms.Str("channel"));
        Assert.Equal(phone, sms.Str("address"));
    }

    [Fact]
    public async Task The_list_filters_by_contact_for_the_previous_conversations_panel()
    {
        var (admin, workspace) = await NewWorkspaceWithChannelsAsync();
        var first = await ReceiveAsync(InboundThreadingTests.Email(workspace, $"pc-{Guid.NewGuid():N}@example.com", "One", $"<{Guid.NewGuid():N}@x>"));
        await ReceiveAsync(InboundThreadingTests.Email(workspace, $"pc-{Guid.NewGuid():N}@example.com", "Other", $"<{Guid.NewGuid():N}@x>"));
        var contactId = (await admin.GetJsonAsync($"/api/v1/conversations/{first.ConversationId}")).Str("contact_id");

        var mine = (await admin.GetJsonAsync($"/api/v1/conversations?contact_id={contactId}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(first.ConversationId.ToString(), Assert.Single(mine).Str("id"));
    }

    private async Task<(HttpClient Admin, Guid Workspace)> NewWorkspaceWithChannelsAsync()
    {
        var admin = await app.NewWorkspaceAsync($"Inbox {Guid.NewGuid():N}");
        var workspace = Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"));
        await admin.PostJsonAsync("/api/v1/channels", new { name = "Support mail", type = "email", provider = "dev-sink", address = "support@acme.test" });
        await admin.PostJsonAsync("/api/v1/channels", new { name = "SMS", type = "sms", provider = "dev-sink", address = "+15550001111" });
        return (admin, workspace);
    }

    private async Task<InboundResult> ReceiveAsync(InboundMessage message)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<IInboundProcessor>().ReceiveAsync(message, default);
    }
}
