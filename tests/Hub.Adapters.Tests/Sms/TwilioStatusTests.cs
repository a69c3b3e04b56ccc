using Hub.Adapters.Sms;
using Hub.Core.Inbox;

namespace Hub.Adapters.Tests.Sms;

public sealed class TwilioStatusTests
{
    [Theory]
    [InlineData("accepted", MessageStatus.Queued)]
    [InlineData("queued", MessageStatus.Queued)]
    [InlineData("sending", MessageStatus.Sending)]
    [InlineData("sent", MessageStatus.Sent)]
    [InlineData("delivered", MessageStatus.Delivered)]
    [InlineData("read", MessageStatus.Read)]
    [InlineData("undelivered", MessageStatus.Failed)]
    [InlineData("failed", MessageStatus.Failed)]
    [InlineData("received", MessageStatus.Received)]
    [InlineData("Delivered", MessageStatus.Delivered)]
    [InlineData("something-new", MessageStatus.Sending)]
    public void Twilio_statuses_map_to_hub_statuses(string twilio, MessageStatus hub)
    {
        Assert.Equal(hub, TwilioStatus.Map(twilio).Status);
    }

    [Theory]
    [InlineData("undelivered", "30003", "30003: Unreachable destination handset")]
    [InlineData("undelivered", "30005", "30005: Unknown destination handset")]
    [InlineData("failed", "30006", "30006: Landline or unreachable carrier")]
    [InlineData("failed", "99999", "99999: Twilio error")]
    [InlineData("failed", null, "Twilio status 'failed'")]
    public void Failures_carry_the_reason(string status, string? code, string reason)
    {
        var mapping = TwilioStatus.Map(status, code);

        Assert.Equal(MessageStatus.Failed, mapping.Status);
        Assert.Equal(reason, mapping.Error);
        Assert.False(mapping.SuppressAddress);
    }

    [Fact]
    public void Twilios_own_error_message_wins_over_the_built_in_one()
    {
        Assert.Equal("30007: Carrier says no", TwilioStatus.Map("undelivered", "30007", "Carrier says no").Error);
    }

    [Fact]
    public void An_unsubscribed_recipient_is_suppressed()
    {
        var mapping = TwilioStatus.Map("failed", "21610");

        Assert.Equal(MessageStatus.Failed, mapping.Status);
        Assert.True(mapping.SuppressAddress);
        Assert.StartsWith("21610: ", mapping.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivered_message_has_no_error_even_if_a_code_tags_along()
    {
        var mapping = TwilioStatus.Map("delivered", "0");

        Assert.Null(mapping.Error);
        Assert.False(mapping.SuppressAddress);
    }
}
