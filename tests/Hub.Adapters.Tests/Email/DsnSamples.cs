using MimeKit;

namespace Hub.Adapters.Tests.Email;

/// <summary>Delivery status notifications shaped the way Postfix writes them (RFC 3464).</summary>
public static class DsnSamples
{
    public static MimeMessage Bounce(
        string originalMessageId, string status, string diagnostic, string to = "support@hub.test",
        string action = "failed", bool headersOnly = true, string? perMessageExtra = null)
    {
        var perMessage = "Reporting-MTA: dns; mx.example.com\n" + (perMessageExtra is null ? string.Empty : perMessageExtra + "\n")
            + "Arrival-Date: Mon, 23 Nov 2026 09:59:58 +0000";
        var raw = $"""
            From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
            To: {to}
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <{Guid.NewGuid():N}@mx.example.com>
            Date: Mon, 23 Nov 2026 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

            --BOUNDARY
            Content-Type: text/plain; charset=us-ascii

            I'm sorry to have to inform you that your message could not be delivered.

            --BOUNDARY
            Content-Type: message/delivery-status

            {perMessage}

            Final-Recipient: rfc822; gone@example.com
            Original-Recipient: rfc822;gone@example.com
            Action: {action}
            Status: {status}
            Diagnostic-Code: {diagnostic}

            --BOUNDARY
            Content-Type: {(headersOnly ? "text/rfc822-headers" : "message/rfc822")}

            From: Acme <support@hub.test>
            To: gone@example.com
            Subject: Your order
            Message-ID: <{originalMessageId}>

            {(headersOnly ? string.Empty : "The original body.")}
            --BOUNDARY--
            """.ReplaceLineEndings("\r\n");
        return MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
    }
}
