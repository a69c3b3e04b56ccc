using Hub.Adapters.Email.Inbound;
using MimeKit;

namespace Hub.Adapters.Tests.Email;

public sealed class MimeParsingTests
{
    private static readonly MimeParsing.Arrival Arrival = new(Guid.NewGuid(), Guid.NewGuid(), "support@hub.test", DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static MimeMessage Load(string raw) =>
        MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

    [Fact]
    public void Html_only_mail_becomes_readable_text_without_the_quoted_history()
    {
        var message = Load("""
            From: "Ann Customer" <ann@example.com>
            To: Support <support@hub.test>
            Subject: Re: Your order
            Message-ID: <CAF1@mail.gmail.com>
            In-Reply-To: <outbox-1@hub.test>
            References: <thread-0@hub.test> <outbox-1@hub.test>
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <html><head><style>p { color: red }</style></head><body>
            <div dir="ltr"><p>Thanks&nbsp;&amp; regards,<br>the parcel <b>never</b> arrived.</p><p>Ann</p></div>
            <div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 23, 2026 Support wrote:</div>
            <blockquote class="gmail_quote"><div>Your order has shipped.</div></blockquote></div>
            </body></html>
            """);

        var inbound = MimeParsing.ToInbound(message, Arrival);

        Assert.Equal("Thanks & regards,\nthe parcel never arrived.\n\nAnn", inbound.Text);
        Assert.Contains("gmail_quote", inbound.Html, StringComparison.Ordinal);
        Assert.Equal("CAF1@mail.gmail.com", inbound.ExternalId);
        Assert.Equal("outbox-1@hub.test", inbound.InReplyTo);
        Assert.Equal(["thread-0@hub.test", "outbox-1@hub.test"], inbound.References);
        Assert.Equal("ann@example.com", inbound.From);
        Assert.Equal("Ann Customer", inbound.FromName);
        Assert.Equal("support@hub.test", inbound.To);
        Assert.Equal("Re: Your order", inbound.Subject);
        Assert.Equal(Arrival.ReceivedAt, inbound.ReceivedAt);
    }

    [Theory]
    [InlineData("Yes, please cancel it.\n\nOn Mon, 23 Nov 2026 at 10:00, Acme Support <support@hub.test> wrote:\n> Do you want to cancel?\n> Thanks")]
    [InlineData("Yes, please cancel it.\n\nOn Mon, 23 Nov 2026 at 10:00, Acme Support <\nsupport@hub.test> wrote:\n\n> Do you want to cancel?")]
    [InlineData("Yes, please cancel it.\n\n-----Original Message-----\nFrom: Acme Support\nSent: Monday, November 23, 2026 10:00 AM\nDo you want to cancel?")]
    [InlineData("Yes, please cancel it.\n\n________________________________\nFrom: Acme Support <support@hub.test>\nSent: Monday, November 23, 2026 10:00\nTo: Ann\nSubject: Your order\n\nDo you want to cancel?")]
    [InlineData("Yes, please cancel it.\n\nFrom: Acme Support <support@hub.test>\nSent: Monday, November 23, 2026 10:00\nTo: Ann <ann@example.com>\nSubject: Your order\n\nDo you want to cancel?")]
    [InlineData("> Do you want to cancel?\nYes, please cancel it.\n>\n> Thanks")]
    [InlineData("Yes, please cancel it.\n\nLe lun. 23 nov. 2026 à 10:00, Acme Support <support@hub.test> a écrit :\n> Voulez-vous annuler ?")]
    public void Quoted_history_is_stripped_from_replies(string body)
    {
        Assert.Equal("Yes, please cancel it.", QuotedReply.Strip(body));
    }

    [Fact]
    public void Outlook_html_reply_keeps_only_the_new_text()
    {
        const string html = """
            <html><body><div>Please send the invoice again.</div><div><br></div>
            <hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Acme Support<br><b>Sent:</b> Monday<br></div>
            <div>Here is your invoice.</div></body></html>
            """;

        Assert.Equal("Please send the invoice again.", HtmlText.Convert(html, withoutQuotes: true));
        Assert.Contains("Here is your invoice.", HtmlText.Convert(html, withoutQuotes: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_only_mentions_wrote_is_kept()
    {
        const string body = "On Monday I wrote to you about the refund.\nStill waiting.";

        Assert.Equal(body, QuotedReply.Strip(body));
    }

    [Fact]
    public void Plain_text_is_preferred_to_html_and_attachments_are_described()
    {
        var message = new MimeMessage { Subject = "Invoice", MessageId = "inv-1@example.com" };
        message.From.Add(MailboxAddress.Parse("ann@example.com"));
        message.To.Add(MailboxAddress.Parse("support@hub.test"));
        var builder = new BodyBuilder { TextBody = "Invoice attached.\n\n> old quote", HtmlBody = "<p>Invoice attached.</p><img src=\"cid:logo\">" };
        builder.Attachments.Add("invoice.pdf", new byte[12345], new ContentType("application", "pdf"));
        var logo = builder.LinkedResources.Add("logo.png", new byte[321], new ContentType("image", "png"));
        logo.ContentId = "logo";
        var forwarded = new MimeMessage { Subject = "Original" };
        forwarded.Body = new TextPart("plain") { Text = "forwarded" };
        builder.Attachments.Add(new MessagePart { Message = forwarded });
        message.Body = builder.ToMessageBody();

        var inbound = MimeParsing.ToInbound(message, Arrival);

        Assert.Equal("Invoice attached.", inbound.Text);
        Assert.Equal(3, inbound.Attachments.Count);
        var pdf = inbound.Attachments.Single(a => a.FileName == "invoice.pdf");
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Equal(12345, pdf.Size);
        var png = inbound.Attachments.Single(a => a.FileName == "logo.png");
        Assert.Equal("logo", png.ContentId);
        Assert.Equal(321, png.Size);
        var eml = inbound.Attachments.Single(a => a.ContentType == "message/rfc822");
        Assert.Equal("Original.eml", eml.FileName);
        Assert.True(eml.Size > 0);
    }

    [Fact]
    public void A_message_without_Message_ID_gets_a_stable_derived_id()
    {
        const string raw = "From: ann@example.com\nTo: support@hub.test\nSubject: Hi\n\nHello\n";

        var a = MimeParsing.ToInbound(Load(raw), Arrival).ExternalId;
        var b = MimeParsing.ToInbound(Load(raw), Arrival).ExternalId;

        Assert.Equal(a, b);
        Assert.EndsWith("@generated.hub.invalid", a, StringComparison.Ordinal);
    }
}
