using Hub.Core.Inbox;

namespace Hub.Core.Tests.Inbox;

/// <summary>A conversation's status, snooze, resolution and assignee change only through its own methods, each keeping them consistent.</summary>
public sealed class ConversationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reopening_a_snoozed_conversation_clears_the_snooze()
    {
        var conversation = new Conversation();
        Assert.True(conversation.Snooze(Now.AddHours(4)));

        Assert.True(conversation.Reopen());

        Assert.Equal(ConversationStatus.Open, conversation.Status);
        Assert.Null(conversation.SnoozedUntil);
    }

    [Fact]
    public void Reopening_a_resolved_conversation_clears_when_it_was_resolved()
    {
        var conversation = new Conversation();
        conversation.Resolve(Now);

        Assert.True(conversation.Reopen());

        Assert.Equal(ConversationStatus.Open, conversation.Status);
        Assert.Null(conversation.ResolvedAt);
    }

    [Fact]
    public void Reopening_an_open_conversation_changes_nothing() => Assert.False(new Conversation().Reopen());

    [Theory]
    [InlineData(ConversationStatus.Resolved, true)]
    [InlineData(ConversationStatus.Snoozed, true)]
    [InlineData(ConversationStatus.Pending, false)]
    [InlineData(ConversationStatus.Open, false)]
    public void A_new_message_reopens_resolved_and_snoozed_conversations_but_leaves_pending_ones(ConversationStatus before, bool reopens)
    {
        var conversation = new Conversation();
        conversation.MoveTo(before, Now, Now.AddHours(1));

        Assert.Equal(reopens, conversation.ReopenOnNewMessage());

        Assert.Equal(reopens ? ConversationStatus.Open : before, conversation.Status);
        Assert.Null(conversation.SnoozedUntil);
        Assert.Null(conversation.ResolvedAt);
    }

    [Fact]
    public void Resolving_ends_a_snooze_and_resolving_twice_is_one_resolution()
    {
        var conversation = new Conversation();
        conversation.Snooze(Now.AddDays(1));

        Assert.True(conversation.Resolve(Now));
        Assert.False(conversation.Resolve(Now.AddMinutes(5))); // the second "resolve" neither moves the time nor fires again

        Assert.Equal(ConversationStatus.Resolved, conversation.Status);
        Assert.Equal(Now, conversation.ResolvedAt);
        Assert.Null(conversation.SnoozedUntil);
    }

    [Fact]
    public void Snoozing_a_resolved_conversation_takes_it_out_of_resolved_and_snoozing_again_moves_the_time()
    {
        var conversation = new Conversation();
        conversation.Resolve(Now);

        Assert.True(conversation.Snooze(Now.AddHours(1)));
        Assert.True(conversation.Snooze(Now.AddHours(2)));
        Assert.False(conversation.Snooze(Now.AddHours(2)));

        Assert.Equal(ConversationStatus.Snoozed, conversation.Status);
        Assert.Equal(Now.AddHours(2), conversation.SnoozedUntil);
        Assert.Null(conversation.ResolvedAt);
    }

    [Fact]
    public void Pending_clears_both_the_snooze_and_the_resolution()
    {
        var conversation = new Conversation();
        conversation.Snooze(Now.AddHours(1));

        Assert.True(conversation.MarkPending());

        Assert.Equal((ConversationStatus.Pending, (DateTimeOffset?)null, (DateTimeOffset?)null), (conversation.Status, conversation.SnoozedUntil, conversation.ResolvedAt));
    }

    [Fact]
    public void Moving_to_snoozed_needs_a_time_to_come_back() =>
        Assert.Throws<ArgumentNullException>(() => new Conversation().MoveTo(ConversationStatus.Snoozed, Now));

    [Fact]
    public void Assigning_and_unassigning_set_the_assignee()
    {
        var conversation = new Conversation();
        var agent = Guid.NewGuid();

        conversation.Assign(agent);
        Assert.Equal(agent, conversation.AssigneeId);

        conversation.Unassign();
        Assert.Null(conversation.AssigneeId);
        Assert.Throws<ArgumentException>(() => conversation.Assign(Guid.Empty));
    }
}
