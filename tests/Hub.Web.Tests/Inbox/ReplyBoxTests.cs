using System.Net;
using System.Text;
using Bunit;
using Hub.Core.Channels;
using Hub.Core.Realtime;
using Hub.Web.Features.Inbox;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Inbox;

public sealed class ReplyBoxTests : DashboardTestContext
{
    private readonly FakeAgentConnection _hub = new();
    private readonly ConversationItem _conversation = InboxData.Conversation(Guid.NewGuid(), "Ada", InboxData.T0);

    public ReplyBoxTests()
    {
        Services.AddSingleton<AgentConnection>(_hub);
        RenderMudProviders();
    }

    [Fact]
    public void Send_posts_the_reply_to_the_conversations_messages_and_hands_back_what_the_server_made()
    {
        var sent = InboxData.Message(_conversation.Id, "Your parcel ships today.", Hub.Core.Inbox.MessageDirection.Outbound, InboxData.T0, status: Hub.Core.Inbox.MessageStatus.Queued);
        Api.On(HttpMethod.Post, $"/api/v1/conversations/{_conversation.Id}/messages", sent, HttpStatusCode.Created);
        MessageItem? handedBack = null;
        var box = Render<ReplyBox>(p => p.Add(b => b.Conversation, _conversation).Add(b => b.OnSent, m => handedBack = m));

        box.Find("textarea[data-testid=reply-text]").Input("Your parcel ships today.");
        box.Find("[data-testid=reply-send]").Click();

        box.WaitForAssertion(() => Assert.Equal(sent.Id, handedBack?.Id));
        var (request, body) = Assert.Single(Api.Requests, r => r.Request.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal($"POST /api/v1/conversations/{_conversation.Id}/messages", request);
        Assert.Equal("""{"content":"Your parcel ships today."}""", body);
        Assert.Equal("", box.Find("textarea[data-testid=reply-text]").GetAttribute("value") ?? "");
        Assert.Contains(_hub.Invoked, i => i.Method == RealtimeEventNames.TypingStart && ((ConversationRef)i.Argument!).ConversationId == _conversation.Id);
        Assert.Contains(_hub.Invoked, i => i.Method == RealtimeEventNames.TypingStop);
    }

    [Fact]
    public void A_private_note_is_sent_as_private_and_styled_as_a_note()
    {
        Api.On(HttpMethod.Post, $"/api/v1/conversations/{_conversation.Id}/messages",
            InboxData.Message(_conversation.Id, "check invoice", Hub.Core.Inbox.MessageDirection.Note, InboxData.T0), HttpStatusCode.Created);
        var box = Render<ReplyBox>(p => p.Add(b => b.Conversation, _conversation));
        var toggle = box.Find("[data-testid=reply-note]");
        (toggle.TagName == "INPUT" ? toggle : toggle.QuerySelector("input")!).Change(true);
        Assert.Contains("hub-note", box.Find("[data-testid=reply-box]").ClassName, StringComparison.Ordinal);
        box.Find("textarea[data-testid=reply-text]").Input("check invoice");
        box.Find("[data-testid=reply-send]").Click();
        box.WaitForAssertion(() => Assert.Contains(Api.Requests, r => r.Body == """{"content":"check invoice","private":true}"""));
    }

    [Fact]
    public void The_servers_422_reason_is_shown_and_the_text_is_kept()
    {
        Api.On(HttpMethod.Post, $"/api/v1/conversations/{_conversation.Id}/messages", (_, _) => new HttpResponseMessage(HttpStatusCode.UnprocessableEntity)
        {
            Content = new StringContent("""{"title":"Can't send","status":422,"detail":"The message needs 12 SMS segments; at most 10 are allowed.","field":"content"}""",
                Encoding.UTF8, "application/problem+json"),
        });
        var box = Render<ReplyBox>(p => p.Add(b => b.Conversation, _conversation));
        box.Find("textarea[data-testid=reply-text]").Input("a very long text");
        box.Find("[data-testid=reply-send]").Click();

        box.WaitForAssertion(() => Assert.Contains("The message needs 12 SMS segments; at most 10 are allowed.", box.Find("[data-testid=reply-problem]").TextContent));
        Assert.Equal("a very long text", box.Find("textarea[data-testid=reply-text]").GetAttribute("value"));
    }

    [Fact]
    public async Task Slash_opens_the_saved_replies_and_choosing_one_inserts_it_filled_in_for_the_conversation()
    {
        var refund = Guid.NewGuid();
        Api.On(HttpMethod.Get, "/api/v1/canned-responses", new[]
        {
            new CannedItem(refund, "refund", "Hi {{ contact.first_name }}, your refund is on its way."),
            new CannedItem(Guid.NewGuid(), "hello", "Hello!"),
        });
        Api.On(HttpMethod.Get, $"/api/v1/canned-responses/{refund}/render?conversation_id={_conversation.Id}",
            new RenderedCanned("refund", "Hi Ada, your refund is on its way."));
        var box = Render<ReplyBox>(p => p.Add(b => b.Conversation, _conversation));

        box.Find("textarea[data-testid=reply-text]").Input("/");
        box.WaitForAssertion(() => Assert.Equal(2, box.FindAll("[data-testid=canned-item]").Count));
        box.Find("textarea[data-testid=reply-text]").Input("/re");
        box.WaitForAssertion(() => Assert.Equal("refund", Assert.Single(box.FindAll("[data-testid=canned-item]")).GetAttribute("data-code")));

        await box.InvokeAsync(() => box.Find("[data-testid=canned-item]").Click());
        box.WaitForAssertion(() => Assert.Equal("Hi Ada, your refund is on its way.", box.Find("textarea[data-testid=reply-text]").GetAttribute("value")));
        Assert.Empty(box.FindAll("[data-testid=canned-list]"));
        box.Find("textarea[data-testid=reply-text]").Input("/re x");
        Assert.Empty(box.FindAll("[data-testid=canned-list]"));
    }
}
