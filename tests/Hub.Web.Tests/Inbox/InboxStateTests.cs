using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Web.Features.Inbox;
using static Hub.Web.Tests.Inbox.InboxData;

namespace Hub.Web.Tests.Inbox;

/// <summary>The inbox page's state without a page: what the list, the thread, the typists and the viewers become.</summary>
public sealed class InboxStateTests
{
    private static readonly Guid Me = Guid.NewGuid();
    private static readonly Guid Colleague = Guid.NewGuid();
    private readonly InboxState _state = new(Me, new Dictionary<Guid, string> { [Me] = "Ada", [Colleague] = "Grace" });
    private readonly ConversationItem _older = Conversation(Guid.NewGuid(), "Olga", T0.AddMinutes(-30));
    private readonly ConversationItem _newer = Conversation(Guid.NewGuid(), "Nina", T0.AddMinutes(-5), unread: 2);

    public InboxStateTests() => _state.ShowList([_newer, _older], "next");

    private static MessagePayload Live(Guid conversationId, MessageDirection direction, DateTimeOffset at, string text = "Hi") =>
        Payload(Message(conversationId, text, direction, at));

    [Fact]
    public void An_inbound_message_for_a_closed_conversation_moves_it_to_the_top_with_one_more_unread()
    {
        var followUp = _state.MessageReceived(Live(_older.Id, MessageDirection.Inbound, T0));

        Assert.Equal([_older.Id, _newer.Id], _state.Items.Select(i => i.Id));
        Assert.Equal(1, _state.Items[0].UnreadCount);
        Assert.Equal(T0, _state.Items[0].LastMessageAt);
        Assert.Equal(3, _state.UnreadTotal);
        Assert.Equal(new MessageReceivedFollowUp(FetchConversation: false, MarkRead: false), followUp);
    }

    [Fact]
    public void A_message_into_the_open_conversation_lands_in_time_order_stops_the_contacts_typing_and_is_marked_read_not_unread()
    {
        _state.Open(_older);
        var first = Message(_older.Id, "first", MessageDirection.Inbound, T0.AddMinutes(-30));
        var third = Message(_older.Id, "third", MessageDirection.Outbound, T0.AddMinutes(-10));
        _state.ShowThread([third, first]); // the API lists newest first
        _state.Typing(new TypingIndicator(_older.Id, _older.ContactId.ToString(), true));
        Assert.Equal(["Olga"], _state.Typists);

        var followUp = _state.MessageReceived(Live(_older.Id, MessageDirection.Inbound, T0.AddMinutes(-20), "second"));

        Assert.Equal(["first", "second", "third"], _state.Messages.Select(m => m.Text));
        Assert.Empty(_state.Typists);
        Assert.Equal(0, _state.Find(_older.Id)!.UnreadCount);
        Assert.True(followUp.MarkRead);
    }

    [Fact]
    public void The_same_message_pushed_twice_is_shown_once()
    {
        _state.Open(_newer);
        var inbound = Live(_newer.Id, MessageDirection.Inbound, T0);

        _state.MessageReceived(inbound);
        _state.MessageReceived(inbound);

        Assert.Single(_state.Messages);
    }

    [Fact]
    public void A_status_update_moves_the_ticks_and_keeps_what_the_push_leaves_out()
    {
        _state.Open(_newer);
        var sent = Message(_newer.Id, "On its way", MessageDirection.Outbound, T0) with { Address = "+14155550100", Subject = "Order" };
        _state.ShowThread([sent]);

        _state.MessageUpdated(Payload(sent with { Status = MessageStatus.Delivered, DeliveredAt = T0.AddSeconds(3) }));

        var shown = Assert.Single(_state.Messages);
        Assert.Equal(MessageStatus.Delivered, shown.Status);
        Assert.Equal("+14155550100", shown.Address);
        Assert.Equal("Order", shown.Subject);
    }

    [Fact]
    public void A_private_note_changes_neither_the_order_nor_the_unread_counts()
    {
        var followUp = _state.MessageReceived(Live(_older.Id, MessageDirection.Note, T0));

        Assert.Equal([_newer.Id, _older.Id], _state.Items.Select(i => i.Id));
        Assert.Equal(2, _state.UnreadTotal);
        Assert.Equal(default(MessageReceivedFollowUp), followUp);
    }

    [Fact]
    public void A_message_in_an_unlisted_conversation_asks_for_it_and_the_filter_decides_whether_it_is_listed()
    {
        _state.Filter = new InboxFilter(Scope: InboxScope.Mine);
        var unknown = Guid.NewGuid();

        Assert.True(_state.MessageReceived(Live(unknown, MessageDirection.Inbound, T0)).FetchConversation);
        _state.Fetched(Conversation(unknown, "Someone else's", T0) with { AssigneeId = Colleague });
        Assert.Null(_state.Find(unknown));

        _state.Fetched(Conversation(unknown, "Mine", T0) with { AssigneeId = Me });
        Assert.Equal(unknown, _state.Items[0].Id);
    }

    [Fact]
    public void With_a_search_only_the_server_can_check_a_conversation_it_never_listed_stays_out()
    {
        _state.Filter = new InboxFilter(Search: "refund");
        var unknown = Conversation(Guid.NewGuid(), "Ivy", T0);

        _state.Fetched(unknown);

        Assert.Null(_state.Find(unknown.Id));
    }

    [Fact]
    public void A_conversation_resolved_elsewhere_leaves_the_open_list_but_stays_open_with_its_new_status()
    {
        _state.Open(_newer);
        var resolved = new ConversationPayload(_newer.Id, _newer.ContactId, _newer.Channel, ConversationStatus.Resolved, _newer.Priority, Colleague,
            null, _newer.Subject, [], 3, null, T0);

        Assert.False(_state.ConversationUpdated(resolved));

        Assert.Null(_state.Find(_newer.Id));
        Assert.Equal(ConversationStatus.Resolved, _state.Selected!.Status);
        Assert.Equal(Colleague, _state.Selected.AssigneeId);
        Assert.Equal(_newer.LastMessageAt, _state.Selected.LastMessageAt);
    }

    [Fact]
    public void An_update_of_a_conversation_neither_listed_nor_open_asks_for_it()
    {
        var id = Guid.NewGuid();
        var update = new ConversationPayload(id, Guid.NewGuid(), _newer.Channel, ConversationStatus.Open, _newer.Priority, null, null, null, [], 1, T0, T0);

        Assert.True(_state.ConversationUpdated(update));
    }

    [Fact]
    public void Typing_names_colleagues_and_the_contact_never_shows_me_and_ignores_other_conversations()
    {
        _state.Open(_newer);

        _state.Typing(new TypingIndicator(_newer.Id, Me.ToString(), true));
        _state.Typing(new TypingIndicator(_older.Id, Colleague.ToString(), true));
        Assert.Empty(_state.Typists);

        _state.Typing(new TypingIndicator(_newer.Id, Colleague.ToString(), true));
        _state.Typing(new TypingIndicator(_newer.Id, _newer.ContactId.ToString(), true));
        _state.Typing(new TypingIndicator(_newer.Id, "v_visitor", true));
        Assert.Equal(["Grace", "Nina", "Someone"], _state.Typists.Order());

        _state.Typing(new TypingIndicator(_newer.Id, Colleague.ToString(), false));
        Assert.DoesNotContain("Grace", _state.Typists);

        _state.Leave();
        Assert.Empty(_state.Typists);
    }

    [Fact]
    public void Viewers_are_the_colleagues_on_the_open_conversation_each_once()
    {
        _state.Open(_newer);

        _state.ShowViewers(_newer.Id, [new Viewer(Me, "Ada"), new Viewer(Colleague, "Grace"), new Viewer(Colleague, "Grace")]);
        _state.ShowViewers(_older.Id, [new Viewer(Guid.NewGuid(), "Elsewhere")]);

        Assert.Equal(["Grace"], _state.Viewers.Select(v => v.Name));
    }

    [Fact]
    public void J_and_k_step_through_the_list_and_stop_at_its_ends()
    {
        Assert.Equal(_newer.Id, _state.Step(1)); // nothing open: the first
        _state.Open(_newer);
        Assert.Null(_state.Step(-1));
        Assert.Equal(_older.Id, _state.Step(1));
        _state.Open(_older);
        Assert.Null(_state.Step(1));
        Assert.Equal(_newer.Id, _state.Step(-1));
    }

    [Fact]
    public void The_next_page_never_lists_a_conversation_twice()
    {
        var third = Conversation(Guid.NewGuid(), "Tom", T0.AddHours(-2));

        _state.AddPage([_older, third], null);

        Assert.Equal([_newer.Id, _older.Id, third.Id], _state.Items.Select(i => i.Id));
        Assert.Null(_state.NextCursor);
    }

    [Fact]
    public void Assigning_to_me_keeps_the_contacts_name_and_unread_count_the_api_leaves_out()
    {
        _state.Open(_newer);

        _state.Assigned(_newer with { ContactName = null, UnreadCount = 0, AssigneeId = Me });

        Assert.Equal(Me, _state.Selected!.AssigneeId);
        Assert.Equal("Nina", _state.Selected.ContactName);
        Assert.Equal(2, _state.Find(_newer.Id)!.UnreadCount);
    }

    [Fact]
    public void Resume_starts_after_the_highest_sequence_seen_and_a_resync_sets_where_the_stream_continues()
    {
        Assert.Null(_state.LastSeq);

        _state.Saw(7);
        _state.Saw(5);
        Assert.Equal(7, _state.LastSeq);

        _state.Resynced(3);
        Assert.Equal(3, _state.LastSeq);
    }
}
