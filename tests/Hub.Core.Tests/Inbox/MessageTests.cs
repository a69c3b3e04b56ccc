using Hub.Core.Channels;
using Hub.Core.Inbox;

namespace Hub.Core.Tests.Inbox;

public sealed class MessageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static Message Outbound(MessageStatus status = MessageStatus.Queued) => new()
    {
        Text = "Your order ships tomorrow",
        ChannelType = ChannelType.Sms,
        Direction = MessageDirection.Outbound,
        Status = status,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public void An_outbound_message_moves_queued_sending_sent_delivered_read_and_records_each_time()
    {
        var message = Outbound();

        Assert.True(message.MarkSending(T0.AddSeconds(1)));
        Assert.True(message.MarkSent("SM1", T0.AddSeconds(2)));
        Assert.True(message.MarkDelivered(T0.AddSeconds(4), deliveredAt: T0.AddSeconds(3)));
        Assert.True(message.MarkRead(T0.AddSeconds(6), readAt: T0.AddSeconds(5)));

        Assert.Equal(MessageStatus.Read, message.Status);
        Assert.Equal("SM1", message.ExternalId);
        Assert.Equal(T0.AddSeconds(2), message.SentAt);
        Assert.Equal(T0.AddSeconds(3), message.DeliveredAt);
        Assert.Equal(T0.AddSeconds(5), message.ReadAt);
        Assert.Equal(T0.AddSeconds(6), message.UpdatedAt);
    }

    [Theory]
    [InlineData(MessageStatus.Failed)]
    [InlineData(MessageStatus.Bounced)]
    public void A_failed_or_bounced_message_never_turns_read_sent_or_delivered(MessageStatus final)
    {
        var message = Outbound(final);

        Assert.False(message.MarkRead(T0.AddMinutes(1)));
        Assert.False(message.MarkSent("SM2", T0.AddMinutes(1)));
        Assert.False(message.MarkDelivered(T0.AddMinutes(1)));

        Assert.Equal(final, message.Status);
        Assert.Null(message.ReadAt);
        Assert.Null(message.DeliveredAt);
        Assert.Null(message.SentAt);
        Assert.Equal(T0, message.UpdatedAt);
    }

    [Fact]
    public void A_late_sent_callback_does_not_undo_delivered()
    {
        var message = Outbound(MessageStatus.Delivered);

        Assert.False(message.MoveTo(MessageStatus.Sent, T0.AddMinutes(1)));
        Assert.False(message.MarkSending(T0.AddMinutes(1)));

        Assert.Equal(MessageStatus.Delivered, message.Status);
    }

    [Fact]
    public void A_delivered_message_can_still_fail_and_keeps_the_reason()
    {
        var message = Outbound(MessageStatus.Delivered);

        Assert.True(message.MarkFailed("Twilio 30003: unreachable", T0.AddMinutes(1)));

        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Equal("Twilio 30003: unreachable", message.FailureReason);
    }

    [Fact]
    public void Sent_clears_an_earlier_attempts_failure_reason()
    {
        var message = Outbound(MessageStatus.Sending);
        message.FailureReason = "timeout, retrying";

        Assert.True(message.MarkSent("SM3", T0.AddSeconds(1)));

        Assert.Null(message.FailureReason);
    }

    [Fact]
    public void Only_a_failed_or_bounced_message_can_be_requeued_by_hand()
    {
        var failed = Outbound(MessageStatus.Failed);
        failed.FailureReason = "gave up";
        Assert.True(failed.Requeue(T0.AddHours(1)));
        Assert.Equal(MessageStatus.Queued, failed.Status);
        Assert.Null(failed.FailureReason);

        var delivered = Outbound(MessageStatus.Delivered);
        Assert.False(delivered.Requeue(T0.AddHours(1)));
        Assert.Equal(MessageStatus.Delivered, delivered.Status);
    }

    [Fact]
    public void An_agent_reading_an_inbound_message_sets_read_at_but_not_delivered_at()
    {
        var inbound = new Message { Text = "Where is my parcel?", Direction = MessageDirection.Inbound, Status = MessageStatus.Received };

        Assert.True(inbound.MarkRead(T0));

        Assert.Equal(MessageStatus.Read, inbound.Status);
        Assert.Equal(T0, inbound.ReadAt);
        Assert.Null(inbound.DeliveredAt);
        Assert.False(inbound.MarkRead(T0.AddSeconds(1))); // once
    }

    [Fact]
    public void A_private_note_is_never_marked_read()
    {
        var note = new Message { Text = "VIP, be quick", Direction = MessageDirection.Note, Status = MessageStatus.Sent };

        Assert.False(note.MarkRead(T0));
        Assert.Null(note.ReadAt);
    }
}
