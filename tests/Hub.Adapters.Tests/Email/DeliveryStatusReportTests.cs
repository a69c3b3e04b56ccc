using Hub.Adapters.Email.Bounces;
using Hub.Core.Inbox;
using MimeKit;

namespace Hub.Adapters.Tests.Email;

public sealed class DeliveryStatusReportTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_5xx_failure_is_a_hard_bounce_of_the_original_message()
    {
        var report = DeliveryStatusReport.TryRead(DsnSamples.Bounce("outbox-7@hub.test", "5.1.1", "smtp; 550 5.1.1 <gone@example.com>: User unknown"));

        Assert.NotNull(report);
        Assert.Equal("outbox-7@hub.test", report.OriginalMessageId);
        Assert.Equal("gone@example.com", report.Recipient);
        Assert.True(report.IsHardBounce);
        var update = report.ToStatusUpdate(Guid.Empty, At)!;
        Assert.Equal(MessageStatus.Bounced, update.Status);
        Assert.True(update.SuppressAddress);
        Assert.Equal("outbox-7@hub.test", update.ProviderMessageId);
        Assert.Contains("User unknown", update.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_4xx_failure_is_a_soft_bounce_that_keeps_the_address()
    {
        var report = DeliveryStatusReport.TryRead(DsnSamples.Bounce("outbox-8@hub.test", "4.2.2", "smtp; 452 4.2.2 Mailbox full", headersOnly: false))!;

        Assert.True(report.IsSoftBounce);
        Assert.False(report.IsHardBounce);
        var update = report.ToStatusUpdate(Guid.Empty, At)!;
        Assert.Equal(MessageStatus.Bounced, update.Status);
        Assert.False(update.SuppressAddress);
        Assert.Equal("outbox-8@hub.test", update.ProviderMessageId);
    }

    [Fact]
    public void A_delay_notice_moves_no_status()
    {
        var report = DeliveryStatusReport.TryRead(DsnSamples.Bounce("outbox-9@hub.test", "4.4.1", "smtp; connection timed out", action: "delayed"))!;

        Assert.Equal(DsnAction.Delayed, report.Action);
        Assert.Null(report.ToStatusUpdate(Guid.Empty, At));
    }

    [Fact]
    public void Original_Message_ID_in_the_report_wins()
    {
        var report = DeliveryStatusReport.TryRead(DsnSamples.Bounce("returned@hub.test", "5.0.0", "x", perMessageExtra: "Original-Message-ID: <named@hub.test>"))!;

        Assert.Equal("named@hub.test", report.OriginalMessageId);
    }

    [Fact]
    public void The_envelope_id_maps_a_report_that_returns_no_headers()
    {
        var message = DsnSamples.Bounce("x@hub.test", "5.1.1", "x", perMessageExtra: "Original-Envelope-Id: outbox-11@hub.test");
        var multipart = (Multipart)message.Body!;
        multipart.RemoveAt(2);

        var report = DeliveryStatusReport.TryRead(message)!;

        Assert.Equal("outbox-11@hub.test", report.OriginalMessageId);
    }

    [Fact]
    public void An_ordinary_message_is_not_a_report()
    {
        var message = new MimeMessage { Subject = "Undelivered? No, just a question", Body = new TextPart("plain") { Text = "hi" } };

        Assert.False(DeliveryStatusReport.IsDeliveryReport(message));
        Assert.Null(DeliveryStatusReport.TryRead(message));
    }
}
