using System.Net;
using System.Security.Claims;
using Bunit;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Web.Features.Inbox;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Inbox;

public sealed class InboxPageTests : DashboardTestContext
{
    private readonly FakeAgentConnection _hub = new();
    private readonly Guid _me = Guid.NewGuid();
    private readonly ConversationItem _ada;
    private readonly ConversationItem _bob;

    public InboxPageTests()
    {
        Services.AddSingleton<AgentConnection>(_hub);
        Auth.SetClaims(new Claim("sub", _me.ToString()));
        RenderMudProviders();
        _ada = InboxData.Conversation(Guid.NewGuid(), "Ada", InboxData.T0.AddMinutes(-10));
        _bob = InboxData.Conversation(Guid.NewGuid(), "Bob", InboxData.T0);
        Api.On(HttpMethod.Get, "/api/v1/members", new[] { new MemberItem(_me, "Test Admin") });
        Api.On(HttpMethod.Get, "/api/v1/conversations?limit=30", new ApiPage<ConversationItem>([_bob, _ada], null));
        Api.On(HttpMethod.Get, "/api/v1/conversations?limit=10&contact_id=", new ApiPage<ConversationItem>([], null));
        Api.On(HttpMethod.Get, "/api/v1/contacts/", InboxData.Contact(_ada.ContactId, "Ada"));
        Api.On(HttpMethod.Post, "/api/v1/conversations/", (_, _) => new HttpResponseMessage(HttpStatusCode.NoContent));
    }

    [Fact]
    public async Task Filters_and_search_ask_the_api_for_the_matching_conversations()
    {
        var page = Render<InboxPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=conversation-item]").Count));
        Assert.Contains(Api.Requests, r => r.Request == "GET /api/v1/conversations?limit=30&status=open");

        await page.InvokeAsync(() => page.Find("[data-testid=filter-mine]").Click());
        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == "GET /api/v1/conversations?limit=30&assignee=me&status=open"));
        await page.InvokeAsync(() => page.Find("input[data-testid=inbox-search]").Input("refund"));
        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == "GET /api/v1/conversations?limit=30&assignee=me&status=open&q=refund"), TimeSpan.FromSeconds(3));
        await page.InvokeAsync(() => page.Find("[data-testid=filter-unassigned]").Click());
        page.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Request == "GET /api/v1/conversations?limit=30&assignee=unassigned&status=open&q=refund"));
        await page.InvokeAsync(() => page.Find("input[data-testid=filter-label]").Input("vip"));
        page.WaitForAssertion(() => Assert.Contains(Api.Requests,
            r => r.Request == "GET /api/v1/conversations?limit=30&assignee=unassigned&status=open&label=vip&q=refund"), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_message_received_live_appears_in_the_open_thread_and_bumps_its_conversation_to_the_top()
    {
        var first = InboxData.Message(_ada.Id, "Where is my parcel?", MessageDirection.Inbound, InboxData.T0.AddMinutes(-10));
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([first], null));
        var page = Render<InboxPage>(p => p.Add(x => x.ConversationId, _ada.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=message]")));
        Assert.Equal(["Bob", "Ada"], Names(page));
        Assert.Contains(_hub.Invoked, i => i.Method == RealtimeEventNames.ConversationView && ((ConversationRef)i.Argument!).ConversationId == _ada.Id);

        var live = InboxData.Message(_ada.Id, "Hello? Anyone there?", MessageDirection.Inbound, InboxData.T0.AddMinutes(5));
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageReceived,
            new StreamEvent<MessagePayload>("ws:x", 41, RealtimeEventNames.MessageReceived, live.CreatedAt, InboxData.Payload(live))));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));
        Assert.Contains("Hello? Anyone there?", page.FindAll("[data-testid=message]")[1].TextContent, StringComparison.Ordinal);
        Assert.Equal(["Ada", "Bob"], Names(page));
        Assert.Empty(page.FindAll("[data-testid=conversation-item][data-id='" + _ada.Id + "'] [data-testid=unread-marker]"));

        // A message in another conversation marks that one unread and moves it up, without touching the open thread.
        var other = InboxData.Message(_bob.Id, "Me too", MessageDirection.Inbound, InboxData.T0.AddMinutes(6));
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageReceived,
            new StreamEvent<MessagePayload>("ws:x", 42, RealtimeEventNames.MessageReceived, other.CreatedAt, InboxData.Payload(other))));
        page.WaitForAssertion(() => Assert.Equal(["Bob", "Ada"], Names(page)));
        Assert.Single(page.FindAll("[data-testid=unread-marker]"));
        Assert.Equal(2, page.FindAll("[data-testid=message]").Count);
    }

    [Fact]
    public async Task Delivery_ticks_follow_message_updated_and_typing_shows_who_types()
    {
        var reply = InboxData.Message(_ada.Id, "On its way", MessageDirection.Outbound, InboxData.T0, status: MessageStatus.Sent, senderId: _me.ToString());
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([reply], null));
        var page = Render<InboxPage>(p => p.Add(x => x.ConversationId, _ada.Id));
        page.WaitForAssertion(() => Assert.Equal("sent", page.Find("[data-testid=tick]").GetAttribute("data-status")));

        var delivered = reply with { Status = MessageStatus.Delivered, DeliveredAt = InboxData.T0.AddSeconds(3) };
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageUpdated,
            new StreamEvent<MessagePayload>("ws:x", 7, RealtimeEventNames.MessageUpdated, InboxData.T0, InboxData.Payload(delivered))));
        page.WaitForAssertion(() => Assert.Equal("delivered", page.Find("[data-testid=tick]").GetAttribute("data-status")));

        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.TypingIndicator, new TypingIndicator(_ada.Id, _ada.ContactId.ToString(), true)));
        page.WaitForAssertion(() => Assert.Equal("Ada is typing…", page.Find("[data-testid=typing]").TextContent.Trim()));
        var colleague = Guid.NewGuid();
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.ConversationViewers,
            new ConversationViewers(_ada.Id, [new Viewer(_me, "Test Admin"), new Viewer(colleague, "Sam")])));
        page.WaitForAssertion(() => Assert.Contains("Sam is also viewing", page.Find("[data-testid=also-viewing]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_note_renders_with_the_note_style_and_email_html_is_sanitised()
    {
        var html = """<p>Hi <b>team</b></p><script>alert(1)</script><a href="javascript:steal()" onclick="x()">click</a><img src="https://track.example/p.gif"><a href="https://ok.example">fine</a>""";
        var email = InboxData.Message(_ada.Id, "Hi team", MessageDirection.Inbound, InboxData.T0, html: html);
        var note = InboxData.Message(_ada.Id, "Check the invoice first", MessageDirection.Note, InboxData.T0.AddMinutes(1), senderId: _me.ToString());
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([note, email], null));
        var page = Render<InboxPage>(p => p.Add(x => x.ConversationId, _ada.Id));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));

        var noteElement = page.Find("[data-testid=message][data-direction=note]");
        Assert.Contains("hub-note", noteElement.ClassName, StringComparison.Ordinal);
        Assert.Contains("Private note", noteElement.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("hub-note", page.Find("[data-testid=message][data-direction=inbound]").ClassName, StringComparison.Ordinal);

        var rendered = page.Find("[data-testid=email-html]").InnerHtml;
        Assert.Contains("<b>team</b>", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("script", rendered, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", rendered, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", rendered, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("track.example", rendered, StringComparison.Ordinal);
        Assert.Contains("href=\"https://ok.example\"", rendered, StringComparison.Ordinal);
        Assert.Contains("negative", page.Find("[data-testid=sentiment-chip]").TextContent, StringComparison.Ordinal);
        Assert.Contains("refund_request 82", page.Find("[data-testid=intent-chip]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_dropped_connection_the_inbox_resumes_from_the_last_event_it_saw_and_shows_the_replayed_ones()
    {
        var first = InboxData.Message(_ada.Id, "Where is my parcel?", MessageDirection.Inbound, InboxData.T0.AddMinutes(-10));
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([first], null));
        var page = Render<InboxPage>(p => p.Add(x => x.ConversationId, _ada.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=message]")));
        var live = InboxData.Message(_ada.Id, "Still waiting", MessageDirection.Inbound, InboxData.T0.AddMinutes(1));
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageReceived,
            new StreamEvent<MessagePayload>("ws:x", 41, RealtimeEventNames.MessageReceived, live.CreatedAt, InboxData.Payload(live))));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));
        var viewsBefore = _hub.Invoked.Count(i => i.Method == RealtimeEventNames.ConversationView);

        // The connection drops and comes back: the page asks the hub to replay everything after seq 41 ...
        _hub.Answers[RealtimeEventNames.Resume] = new ResumeResult("ws:x", 42, 1, false);
        await page.InvokeAsync(_hub.SimulateReconnectAsync);
        page.WaitForAssertion(() => Assert.Contains(_hub.Invoked, i => i.Method == RealtimeEventNames.Resume && ((ResumeRequest)i.Argument!).AfterSeq == 41));
        Assert.Equal(viewsBefore + 1, _hub.Invoked.Count(i => i.Method == RealtimeEventNames.ConversationView)); // "also viewing" is announced again

        // ... and what the hub replays (sent while the connection was down) shows up in the thread.
        var missed = InboxData.Message(_ada.Id, "Sent while you were offline", MessageDirection.Inbound, InboxData.T0.AddMinutes(2));
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageReceived,
            new StreamEvent<MessagePayload>("ws:x", 42, RealtimeEventNames.MessageReceived, missed.CreatedAt, InboxData.Payload(missed))));
        page.WaitForAssertion(() => Assert.Contains("Sent while you were offline", page.FindAll("[data-testid=message]")[^1].TextContent, StringComparison.Ordinal));
        Assert.Equal(3, page.FindAll("[data-testid=message]").Count);
    }

    [Fact]
    public async Task When_the_hub_cannot_replay_the_gap_the_inbox_reloads_the_list_and_the_open_thread()
    {
        var first = InboxData.Message(_ada.Id, "Where is my parcel?", MessageDirection.Inbound, InboxData.T0.AddMinutes(-10));
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([first], null));
        var page = Render<InboxPage>(p => p.Add(x => x.ConversationId, _ada.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=message]")));
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.MessageReceived,
            new StreamEvent<MessagePayload>("ws:x", 5, RealtimeEventNames.MessageReceived, InboxData.T0, InboxData.Payload(first))));

        // While offline: a new conversation from Cy and a reply in Ada's thread, too far back for the hub's replay window.
        var cy = InboxData.Conversation(Guid.NewGuid(), "Cy", InboxData.T0.AddMinutes(30));
        var later = InboxData.Message(_ada.Id, "Found it, thanks", MessageDirection.Inbound, InboxData.T0.AddMinutes(20));
        Api.On(HttpMethod.Get, "/api/v1/conversations?limit=30", new ApiPage<ConversationItem>([cy, _bob, _ada], null));
        Api.On(HttpMethod.Get, $"/api/v1/conversations/{_ada.Id}/messages", new ApiPage<MessageItem>([later, first], null));
        _hub.Answers[RealtimeEventNames.Resume] = new ResumeResult("ws:x", 900, 0, true);
        await page.InvokeAsync(_hub.SimulateReconnectAsync);
        await page.InvokeAsync(() => _hub.RaiseAsync(RealtimeEventNames.Resync, new ResyncRequired("ws:x", 850, 900)));

        page.WaitForAssertion(() => Assert.Equal(["Cy", "Bob", "Ada"], Names(page)));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));
        Assert.Contains("Found it, thanks", page.FindAll("[data-testid=message]")[^1].TextContent, StringComparison.Ordinal);
    }

    private static List<string> Names(IRenderedComponent<InboxPage> page) =>
        page.FindAll("[data-testid=conversation-item] .hub-conv-name").Select(e => e.TextContent.Trim()).ToList();
}
