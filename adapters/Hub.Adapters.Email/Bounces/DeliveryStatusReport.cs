using Hub.Adapters.Email.Sending;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using MimeKit;

namespace Hub.Adapters.Email.Bounces;

/// <summary>What a receiving server reported about one recipient of one of our messages.</summary>
public enum DsnAction
{
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
}

/// <summary>
/// A delivery status notification (RFC 3464: <c>multipart/report; report-type=delivery-status</c>) about a
/// message we sent, mapped back to that message's Message-ID. A permanent failure (status 5.x.x) is a hard
/// bounce: the address should not be mailed again. A failure with 4.x.x (the server gave up retrying) is a
/// soft bounce. A "delayed" report is news, not a verdict, and moves no status.
/// </summary>
public sealed record DeliveryStatusReport(
    string OriginalMessageId, DsnAction Action, string? Recipient, string? Status, string? Diagnostic)
{
    public bool IsHardBounce => Action == DsnAction.Failed && Status?.StartsWith('5') == true;

    public bool IsSoftBounce => Action == DsnAction.Failed && !IsHardBounce;

    /// <summary>True for any multipart/report of type delivery-status, mappable or not.</summary>
    public static bool IsDeliveryReport(MimeMessage message) =>
        message.Body is MultipartReport { ReportType: { } type } && type.Equals("delivery-status", StringComparison.OrdinalIgnoreCase)
        || message.BodyParts.OfType<MessageDeliveryStatus>().Any();

    /// <summary>Reads the report; null when the message isn't a DSN or names no message of ours.</summary>
    public static DeliveryStatusReport? TryRead(MimeMessage message)
    {
        if (!IsDeliveryReport(message))
        {
            return null;
        }

        var status = message.BodyParts.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var groups = status?.StatusGroups.ToList() ?? [];
        var perMessage = groups.FirstOrDefault();
        var recipients = groups.Skip(1).ToList();

        // The worst news wins: one failed recipient makes the message bounced.
        var recipient = recipients.OrderBy(r => ActionOf(r["Action"]) switch
        {
            DsnAction.Failed => 0,
            DsnAction.Delayed => 1,
            _ => 2,
        }).FirstOrDefault();

        var originalId = FindOriginalMessageId(message, perMessage);
        if (originalId is null)
        {
            return null;
        }

        return new DeliveryStatusReport(
            originalId,
            recipient is null ? DsnAction.Failed : ActionOf(recipient["Action"]),
            AddressOf(recipient?["Final-Recipient"] ?? recipient?["Original-Recipient"]),
            recipient?["Status"]?.Trim(),
            recipient?["Diagnostic-Code"]?.Trim());
    }

    /// <summary>The update for the message's status, or null when the report changes nothing (delayed, expanded).</summary>
    public DeliveryStatusUpdate? ToStatusUpdate(Guid workspaceId, DateTimeOffset at) => Action switch
    {
        DsnAction.Failed => new DeliveryStatusUpdate
        {
            WorkspaceId = workspaceId,
            ProviderMessageId = OriginalMessageId,
            Status = MessageStatus.Bounced,
            Error = string.Join(' ', new[] { Status, Diagnostic }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } e ? e : "Bounced",
            At = at,
            SuppressAddress = IsHardBounce,
        },
        DsnAction.Delivered => new DeliveryStatusUpdate
        {
            WorkspaceId = workspaceId, ProviderMessageId = OriginalMessageId, Status = MessageStatus.Delivered, At = at,
        },
        _ => null,
    };

    private static string? FindOriginalMessageId(MimeMessage message, HeaderList? perMessage)
    {
        // Some servers name it in the report itself; otherwise the returned message (or its headers) carries it,
        // and last the envelope id we set to the Message-ID when sending (DSN extension, RFC 3461).
        if (MessageIds.Normalize(perMessage?["Original-Message-ID"]) is { } named)
        {
            return named;
        }

        foreach (var part in message.BodyParts)
        {
            switch (part)
            {
                case MessagePart { Message: { } returned } when returned.MessageId is { Length: > 0 } id:
                    return MessageIds.Normalize(id);
                case TextRfc822Headers headers when headers.Message?.MessageId is { Length: > 0 } id:
                    return MessageIds.Normalize(id);
                case MimePart { ContentType.MimeType: "text/rfc822-headers" } raw when raw.Content is not null:
                    using (var stream = new MemoryStream())
                    {
                        raw.Content.DecodeTo(stream);
                        stream.Position = 0;
                        var headerList = HeaderList.Load(stream);
                        if (MessageIds.Normalize(headerList[HeaderId.MessageId]) is { } fromHeaders)
                        {
                            return fromHeaders;
                        }
                    }

                    break;
            }
        }

        return perMessage?["Original-Envelope-Id"] is { Length: > 0 } envelopeId ? MessageIds.Normalize(envelopeId.Trim()) : null;
    }

    private static DsnAction ActionOf(string? action) => action?.Trim().ToLowerInvariant() switch
    {
        "delayed" => DsnAction.Delayed,
        "delivered" => DsnAction.Delivered,
        "relayed" => DsnAction.Relayed,
        "expanded" => DsnAction.Expanded,
        _ => DsnAction.Failed,
    };

    // "rfc822; ann@example.com" → "ann@example.com"
    private static string? AddressOf(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }

        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? field[(semicolon + 1)..] : field).Trim().Trim('<', '>');
    }
}
