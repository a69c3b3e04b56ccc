using Hub.Adapters.Sms;
using Hub.Core.Channels;
using Hub.Core.Inbox;

namespace Hub.Adapters.Tests.Sms;

public sealed class TwilioWebhookFormTests
{
    private static readonly Guid Workspace = Guid.NewGuid();
    private static readonly Guid Channel = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_inbound_sms_becomes_an_inbound_message_with_its_media()
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM11111111111111111111111111111111",
            ["AccountSid"] = "AC00000000000000000000000000000000",
            ["From"] = "+14155550100",
            ["To"] = "+15005550006",
            ["Body"] = "Here is the broken box",
            ["NumMedia"] = "2",
            ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1",
            ["MediaContentType0"] = "image/jpeg",
            ["MediaUrl1"] = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME2",
            ["MediaContentType1"] = "application/pdf",
        };

        var inbound = TwilioWebhookForm.ToInbound(form, Workspace, Channel, Now)!;

        Assert.Equal(ChannelType.Sms, inbound.Channel);
        Assert.Equal("+14155550100", inbound.From);
        Assert.Equal("+15005550006", inbound.To);
        Assert.Equal("Here is the broken box", inbound.Text);
        Assert.Equal("SM11111111111111111111111111111111", inbound.ExternalId);
        Assert.Equal(Channel, inbound.ChannelId);
        Assert.Equal(Workspace, inbound.WorkspaceId);
        Assert.Equal(Now, inbound.ReceivedAt);
        Assert.Equal(
            [new Attachment("ME1", "image/jpeg", 0, form["MediaUrl0"]), new Attachment("ME2", "application/pdf", 0, form["MediaUrl1"])],
            inbound.Attachments);
    }

    [Fact]
    public void A_whatsapp_sender_makes_it_a_whatsapp_message()
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM22222222222222222222222222222222",
            ["From"] = "whatsapp:+14155550100",
            ["To"] = "whatsapp:+15005550006",
            ["ProfileName"] = "Ann",
            ["Body"] = "Hi",
        };

        var inbound = TwilioWebhookForm.ToInbound(form, Workspace, Channel, Now)!;

        Assert.Equal(ChannelType.WhatsApp, inbound.Channel);
        Assert.Equal("Ann", inbound.FromName);
        Assert.Empty(inbound.Attachments);
    }

    [Fact]
    public void A_form_without_sid_or_sender_is_not_a_message()
    {
        Assert.Null(TwilioWebhookForm.ToInbound(new Dictionary<string, string> { ["From"] = "+1415" }, Workspace, Channel, Now));
        Assert.Null(TwilioWebhookForm.ToInbound(new Dictionary<string, string> { ["MessageSid"] = "SM1" }, Workspace, Channel, Now));
    }

    [Fact]
    public void A_status_callback_becomes_a_status_update()
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM33333333333333333333333333333333",
            ["MessageStatus"] = "failed",
            ["ErrorCode"] = "21610",
        };

        var update = TwilioWebhookForm.ToStatusUpdate(form, Workspace, Now)!;

        Assert.Equal(MessageStatus.Failed, update.Status);
        Assert.True(update.SuppressAddress);
        Assert.Equal("SM33333333333333333333333333333333", update.ProviderMessageId);
        Assert.Equal(Workspace, update.WorkspaceId);
    }
}
