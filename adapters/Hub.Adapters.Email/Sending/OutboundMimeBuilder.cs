using System.Security.Cryptography;
using System.Text;
using Hub.Core.Delivery;
using MimeKit;
using MimeKit.Utils;

namespace Hub.Adapters.Email.Sending;

/// <summary>Builds the MIME message for an <see cref="OutboundEnvelope"/>: headers for threading and unsubscribe, text + HTML.</summary>
public static class OutboundMimeBuilder
{
    // Headers the envelope may not override: they carry the structure or the identity of the message.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Message-ID", "In-Reply-To", "References", "Date", "Sender",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Return-Path",
    };

    public static MimeMessage Build(OutboundEnvelope envelope, DateTimeOffset now)
    {
        var from = MailboxAddress.Parse(envelope.From);
        if (!string.IsNullOrWhiteSpace(envelope.FromName))
        {
            from.Name = OneLine(envelope.FromName); // MimeKit would encode a line break, but it has no place in a name
        }

        var to = MailboxAddress.Parse(envelope.To);
        if (!string.IsNullOrWhiteSpace(envelope.ToName))
        {
            to.Name = OneLine(envelope.ToName);
        }

        var message = new MimeMessage
        {
            Subject = OneLine(envelope.Subject ?? string.Empty),
            Date = now,
            MessageId = MessageIdFor(envelope.IdempotencyKey, from.Domain),
        };
        message.From.Add(from);
        message.To.Add(to);

        if (MessageIds.Normalize(envelope.InReplyTo) is { } parent)
        {
            message.InReplyTo = parent;
        }

        // References is the parent's chain followed by the parent itself (RFC 5322 3.6.4).
        var references = envelope.References.Select(MessageIds.Normalize).OfType<string>().ToList();
        if (message.InReplyTo is { } inReplyTo && !references.Contains(inReplyTo, StringComparer.Ordinal))
        {
            references.Add(inReplyTo);
        }

        foreach (var id in references.Distinct(StringComparer.Ordinal))
        {
            message.References.Add(id);
        }

        foreach (var (name, value) in envelope.Headers)
        {
            if (!Reserved.Contains(name) && IsHeaderName(name))
            {
                message.Headers.Replace(name, OneLine(value));
            }
        }

        // RFC 8058: an https List-Unsubscribe is one-click when the POST header says so; mailbox providers require it for bulk mail.
        if (message.Headers[HeaderId.ListUnsubscribe] is { } unsubscribe
            && unsubscribe.Contains("<https://", StringComparison.OrdinalIgnoreCase)
            && !message.Headers.Contains("List-Unsubscribe-Post"))
        {
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        message.Body = BuildBody(envelope);
        return message;
    }

    /// <summary>
    /// The Message-ID of a message: derived from its idempotency key, so a resend after a crash carries
    /// the same id and the receiving side (and our own bounce matching) sees one message.
    /// </summary>
    public static string MessageIdFor(string idempotencyKey, string? senderDomain)
    {
        var domain = string.IsNullOrWhiteSpace(senderDomain) ? "hub.local" : senderDomain.Trim().ToLowerInvariant();
        var left = idempotencyKey.Length is > 0 and <= 128 && idempotencyKey.All(IsAtomText)
            ? idempotencyKey
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        return $"{left}@{domain}";
    }

    private static MimeEntity BuildBody(OutboundEnvelope envelope)
    {
        var text = new TextPart("plain") { Text = envelope.Text };
        MimeEntity body = text;
        if (!string.IsNullOrEmpty(envelope.Html))
        {
            var alternative = new MultipartAlternative { text, new TextPart("html") { Text = envelope.Html } };
            body = alternative;
        }

        var attachments = envelope.Attachments.Select(ToMimePart).OfType<MimePart>().ToList();
        if (attachments.Count == 0)
        {
            return body;
        }

        var mixed = new Multipart("mixed") { body };
        foreach (var part in attachments)
        {
            mixed.Add(part);
        }

        return mixed;
    }

    // There is no attachment store yet: only attachments whose content travels inline (a data: URL) are sent.
    private static MimePart? ToMimePart(Hub.Core.Inbox.Attachment attachment)
    {
        if (attachment.Url is not { } url || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !url[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        byte[] content;
        try
        {
            content = Convert.FromBase64String(url[(comma + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }

        var part = new MimePart(ContentType.TryParse(attachment.ContentType, out var type) ? type : new ContentType("application", "octet-stream"))
        {
            Content = new MimeContent(new MemoryStream(content)),
            ContentDisposition = new ContentDisposition(attachment.ContentId is null ? ContentDisposition.Attachment : ContentDisposition.Inline),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = attachment.FileName,
        };
        if (attachment.ContentId is { } cid)
        {
            part.ContentId = cid.Trim('<', '>');
        }

        return part;
    }

    private static bool IsAtomText(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal);

    private static bool IsHeaderName(string name) =>
        name.Length is > 0 and <= 76 && name.All(c => c is > ' ' and < (char)127 and not ':');

    // Header values never carry line breaks of their own: that is how header injection happens.
    private static string OneLine(string value) => value.ReplaceLineEndings(" ").Trim();
}

/// <summary>Message-IDs as Hub stores them: without angle brackets, as MimeKit reports them; anything that is not an id is dropped.</summary>
public static class MessageIds
{
    public static string? Normalize(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var trimmed = id.Trim();
        if (trimmed.StartsWith('<'))
        {
            var end = trimmed.IndexOf('>', StringComparison.Ordinal);
            trimmed = end > 0 ? trimmed[1..end] : trimmed[1..];
        }

        // An id never holds whitespace, control characters or brackets (RFC 5322 msg-id): one that does is not an id, and
        // written into In-Reply-To/References it would break the header and start new ones (header injection).
        return trimmed.Length == 0 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>') ? null : trimmed;
    }

    /// <summary>Every id in a References-style header value.</summary>
    public static IReadOnlyList<string> ParseList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : MimeUtils.EnumerateReferences(value).ToList();
}
