using System.Security.Cryptography;
using Hub.Adapters.Email.Sending;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using MimeKit;

namespace Hub.Adapters.Email.Inbound;

/// <summary>Turns a received <see cref="MimeMessage"/> into the <see cref="InboundMessage"/> the inbox threads and stores.</summary>
public static class MimeParsing
{
    /// <summary>Where a message came in: the channel and its workspace.</summary>
    public sealed record Arrival(Guid WorkspaceId, Guid? ChannelId, string? MailboxAddress, DateTimeOffset ReceivedAt);

    public static InboundMessage ToInbound(MimeMessage message, Arrival arrival)
    {
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender ?? message.ReplyTo.Mailboxes.FirstOrDefault();
        var html = message.HtmlBody;
        return new InboundMessage
        {
            WorkspaceId = arrival.WorkspaceId,
            ChannelId = arrival.ChannelId,
            Channel = ChannelType.Email,
            From = from?.Address ?? string.Empty,
            FromName = string.IsNullOrWhiteSpace(from?.Name) ? null : from.Name,
            To = RecipientFor(message, arrival.MailboxAddress),
            Subject = message.Subject,
            Text = ReplyText(message),
            Html = html,
            Attachments = AttachmentsOf(message),
            ExternalId = MessageIdOf(message),
            InReplyTo = MessageIds.Normalize(message.InReplyTo),
            References = message.References.Select(MessageIds.Normalize).OfType<string>().ToList(),
            ReceivedAt = arrival.ReceivedAt,
        };
    }

    /// <summary>What the customer wrote this time: the plain part (or the HTML part as text) without the quoted history.</summary>
    public static string ReplyText(MimeMessage message)
    {
        if (message.TextBody is { } text && !string.IsNullOrWhiteSpace(text))
        {
            return QuotedReply.Strip(text);
        }

        if (message.HtmlBody is { } html)
        {
            var withoutQuotes = HtmlText.Convert(html, withoutQuotes: true);
            var stripped = QuotedReply.Strip(withoutQuotes);
            return stripped.Length > 0 ? stripped : HtmlText.Convert(html, withoutQuotes: false);
        }

        return string.Empty;
    }

    /// <summary>The Message-ID (without brackets); a message without one gets an id derived from its content, so a re-read is still recognised.</summary>
    public static string MessageIdOf(MimeMessage message)
    {
        if (MessageIds.Normalize(message.MessageId) is { } id)
        {
            return id;
        }

        using var buffer = new MemoryStream();
        message.Headers.WriteTo(buffer);
        if (message.Body is { } body)
        {
            body.WriteTo(buffer);
        }

        return $"{Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..40]}@generated.hub.invalid";
    }

    public static IReadOnlyList<Attachment> AttachmentsOf(MimeMessage message)
    {
        var result = new List<Attachment>();
        var bodies = new HashSet<MimeEntity>();
        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            if (!part.IsAttachment && (part.IsPlain || part.IsHtml))
            {
                bodies.Add(part);
            }
        }

        foreach (var entity in message.BodyParts)
        {
            if (bodies.Contains(entity))
            {
                continue;
            }

            switch (entity)
            {
                case MessagePart attached:
                    var name = attached.ContentDisposition?.FileName ?? (attached.Message?.Subject is { Length: > 0 } s ? $"{s}.eml" : "message.eml");
                    result.Add(new Attachment(name, attached.ContentType.MimeType, MeasureMessage(attached)));
                    break;
                case MimePart part when part.IsAttachment || part.ContentId is not null || part is not TextPart:
                    result.Add(new Attachment(
                        part.FileName ?? FallbackName(part),
                        part.ContentType.MimeType,
                        MeasureDecoded(part),
                        ContentId: part.ContentId));
                    break;
            }
        }

        return result;
    }

    private static string? RecipientFor(MimeMessage message, string? mailbox)
    {
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address).ToList();
        if (mailbox is not null && recipients.FirstOrDefault(r => r.Equals(mailbox, StringComparison.OrdinalIgnoreCase)) is { } ours)
        {
            return ours;
        }

        return recipients.FirstOrDefault() ?? mailbox;
    }

    private static string FallbackName(MimePart part) =>
        $"attachment.{part.ContentType.MediaSubtype.ToLowerInvariant()}";

    private static long MeasureDecoded(MimePart part)
    {
        if (part.Content is null)
        {
            return 0;
        }

        using var counter = new CountingStream();
        part.Content.DecodeTo(counter);
        return counter.Length;
    }

    private static long MeasureMessage(MessagePart part)
    {
        using var counter = new CountingStream();
        part.Message?.WriteTo(counter);
        return counter.Length;
    }

    /// <summary>Counts bytes written and keeps none, so an attachment's size is known without holding it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
