using Hub.Core.Campaigns;
using Hub.Core.Channels;

namespace Hub.Core.Tests.Campaigns;

/// <summary>A ledger row's moves, each guarded in one place: only a waiting row is queued, skipped or deferred.</summary>
public sealed class CampaignRecipientTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_pending_row_is_queued_with_its_message_and_address()
    {
        var row = new CampaignRecipient { Reason = "stale", Detail = "stale" };
        var message = Guid.NewGuid();

        row.Queue(message, ChannelType.Email, "ann@example.com", Now);

        Assert.Equal(RecipientState.Queued, row.State);
        Assert.Equal(message, row.MessageId);
        Assert.Equal("ann@example.com", row.Address);
        Assert.Equal(ChannelType.Email, row.Channel);
        Assert.Equal(Now, row.QueuedAt);
        Assert.Equal(Now, row.UpdatedAt);
        Assert.Null(row.Reason);
        Assert.Null(row.Detail);
    }

    [Fact]
    public void A_deferred_row_whose_quiet_hours_ended_is_queued()
    {
        var row = new CampaignRecipient();
        row.Defer(SkipReasons.QuietHoursDeferred, "quiet hours", Now.AddHours(8), Now);

        row.Queue(Guid.NewGuid(), ChannelType.Sms, "+15550100", Now.AddHours(8));

        Assert.Equal(RecipientState.Queued, row.State);
        Assert.Null(row.Reason);
    }

    [Fact]
    public void A_push_is_sent_at_once_from_waiting()
    {
        var row = new CampaignRecipient();
        var notification = Guid.NewGuid();

        row.Send(notification, ChannelType.Push, "user-1", Now);

        Assert.Equal(RecipientState.Sent, row.State);
        Assert.Equal(notification, row.MessageId);
        Assert.Equal(Now, row.QueuedAt);
        Assert.Equal(Now, row.SentAt);
    }

    [Fact]
    public void A_queued_row_the_provider_accepted_is_sent_and_keeps_when_it_was_queued()
    {
        var row = new CampaignRecipient();
        var message = Guid.NewGuid();
        row.Queue(message, ChannelType.Email, "ann@example.com", Now);

        row.Send(message, ChannelType.Email, "ann@example.com", Now.AddMinutes(1));

        Assert.Equal(RecipientState.Sent, row.State);
        Assert.Equal(Now, row.QueuedAt);
        Assert.Equal(Now.AddMinutes(1), row.SentAt);
    }

    [Fact]
    public void Skipping_records_the_reason_and_its_words()
    {
        var row = new CampaignRecipient();

        row.Skip(SkipReasons.Unsubscribed, "The contact unsubscribed.", Now);

        Assert.Equal(RecipientState.Skipped, row.State);
        Assert.Equal(SkipReasons.Unsubscribed, row.Reason);
        Assert.Equal("The contact unsubscribed.", row.Detail);
    }

    [Fact]
    public void A_row_held_for_the_ab_winner_waits_with_no_time_set()
    {
        var row = new CampaignRecipient();
        row.Defer(SkipReasons.QuietHoursDeferred, "quiet hours", Now.AddHours(2), Now);

        row.HoldForWinner(Now);

        Assert.Equal(RecipientState.Deferred, row.State);
        Assert.Equal(VariantSplit.HeldForWinner, row.Reason);
        Assert.Null(row.NotBefore);
    }

    [Fact]
    public void A_queued_or_sent_row_fails_with_the_time_and_reason()
    {
        var row = new CampaignRecipient();
        row.Queue(Guid.NewGuid(), ChannelType.Email, "ann@example.com", Now);

        row.Fail(SkipReasons.Bounced, "550 no such user", Now.AddMinutes(5));

        Assert.Equal(RecipientState.Failed, row.State);
        Assert.Equal(SkipReasons.Bounced, row.Reason);
        Assert.Equal(Now.AddMinutes(5), row.FailedAt);
    }

    [Fact]
    public void A_row_already_queued_can_not_be_skipped_deferred_or_queued_again()
    {
        var row = new CampaignRecipient();
        row.Queue(Guid.NewGuid(), ChannelType.Email, "ann@example.com", Now);

        Assert.Throws<InvalidOperationException>(() => row.Skip(SkipReasons.Cancelled, null, Now));
        Assert.Throws<InvalidOperationException>(() => row.Defer(SkipReasons.QuietHoursDeferred, null, Now.AddHours(1), Now));
        Assert.Throws<InvalidOperationException>(() => row.Queue(Guid.NewGuid(), ChannelType.Email, "ann@example.com", Now));
        Assert.Equal(RecipientState.Queued, row.State);
    }

    [Fact]
    public void A_skipped_row_is_never_sent_nor_failed()
    {
        var row = new CampaignRecipient();
        row.Skip(SkipReasons.Suppressed, null, Now);

        Assert.Throws<InvalidOperationException>(() => row.Send(Guid.NewGuid(), ChannelType.Push, "u", Now));
        Assert.Throws<InvalidOperationException>(() => row.Fail(SkipReasons.DeliveryFailed, null, Now));
        Assert.Equal(RecipientState.Skipped, row.State);
    }

    [Fact]
    public void A_pending_row_can_not_fail_before_it_was_queued()
    {
        Assert.Throws<InvalidOperationException>(() => new CampaignRecipient().Fail(SkipReasons.DeliveryFailed, null, Now));
    }

    [Fact]
    public void Due_rows_are_the_pending_and_the_deferred_whose_time_has_come()
    {
        var due = CampaignRecipient.DueAt(Now).Compile();
        var unsent = CampaignRecipient.Unsent.Compile();
        var pending = new CampaignRecipient();
        var later = new CampaignRecipient();
        later.Defer(SkipReasons.QuietHoursDeferred, null, Now.AddMinutes(1), Now);
        var ended = new CampaignRecipient();
        ended.Defer(SkipReasons.QuietHoursDeferred, null, Now, Now.AddHours(-1));
        var held = new CampaignRecipient();
        held.HoldForWinner(Now);
        var queued = new CampaignRecipient();
        queued.Queue(Guid.NewGuid(), ChannelType.Email, "a@example.com", Now);

        Assert.True(due(pending));
        Assert.True(due(ended));
        Assert.False(due(later));
        Assert.False(due(held));
        Assert.False(due(queued));
        Assert.True(unsent(held));
        Assert.False(unsent(queued));
    }
}
