using System.Globalization;
using Hub.Core.Channels;
using Hub.Core.Delivery;
using Hub.Core.Inbox;

namespace Hub.Adapters.Sms;

/// <summary>
/// Reads the form fields Twilio posts to the inbound-message and status-callback webhooks
/// (<c>MessageSid</c>, <c>From</c>, <c>To</c>, <c>Body</c>, <c>NumMedia</c>, <c>MediaUrl0</c>…, <c>MessageStatus</c>, <c>ErrorCode</c>).
/// </summary>
public static class TwilioWebhookForm
{
    /// <summary>True when the message came over WhatsApp (Twilio writes WhatsApp addresses as <c>whatsapp:+…</c>).</summary>
    public static bool IsWhatsApp(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.GetValueOrDefault("From")?.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The message's id: <c>MessageSid</c> (older callbacks name it <c>SmsSid</c> or <c>SmsMessageSid</c>).</summary>
    public static string? MessageSid(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return Value(form, "MessageSid") ?? Value(form, "SmsMessageSid") ?? Value(form, "SmsSid");
    }

    /// <summary>
    /// The inbound message, or null when the form lacks <c>MessageSid</c> or <c>From</c>. Addresses keep Twilio's
    /// spelling (<c>whatsapp:+…</c> included); media become attachments with their Twilio URLs.
    /// </summary>
    public static InboundMessage? ToInbound(IReadOnlyDictionary<string, string> form, Guid workspaceId, Guid channelId, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(form);
        var sid = MessageSid(form);
        var from = Value(form, "From");
        if (sid is null || from is null)
        {
            return null;
        }

        return new InboundMessage
        {
            WorkspaceId = workspaceId,
            ChannelId = channelId,
            Channel = IsWhatsApp(form) ? ChannelType.WhatsApp : ChannelType.Sms,
            From = from,
            FromName = Value(form, "ProfileName"),
            To = Value(form, "To"),
            Text = form.GetValueOrDefault("Body") ?? string.Empty,
            Attachments = Media(form),
            ExternalId = sid,
            ReceivedAt = receivedAt,
        };
    }

    /// <summary>The status update a status callback carries, or null without a message id or status.</summary>
    public static DeliveryStatusUpdate? ToStatusUpdate(IReadOnlyDictionary<string, string> form, Guid workspaceId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(form);
        var sid = MessageSid(form);
        var status = Value(form, "MessageStatus") ?? Value(form, "SmsStatus");
        if (sid is null || status is null)
        {
            return null;
        }

        var mapping = TwilioStatus.Map(status, Value(form, "ErrorCode"), Value(form, "ErrorMessage"));
        return new DeliveryStatusUpdate
        {
            WorkspaceId = workspaceId,
            ProviderMessageId = sid,
            Status = mapping.Status,
            Error = mapping.Error,
            At = at,
            SuppressAddress = mapping.SuppressAddress,
        };
    }

    /// <summary>The consent keyword in an inbound message (Twilio's <c>OptOutType</c> first, else the body).</summary>
    public static ConsentKeyword Consent(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return SmsKeywords.Detect(form.GetValueOrDefault("Body"), Value(form, "OptOutType"));
    }

    private static List<Attachment> Media(IReadOnlyDictionary<string, string> form)
    {
        var count = int.TryParse(form.GetValueOrDefault("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var media = new List<Attachment>();
        // NumMedia bounds the loop, but a missing NumMedia with MediaUrl0… present still counts (Twilio caps media at 10).
        for (var i = 0; i < Math.Max(count, 10); i++)
        {
            var url = Value(form, $"MediaUrl{i.ToString(CultureInfo.InvariantCulture)}");
            if (url is null)
            {
                if (i >= count)
                {
                    break;
                }

                continue;
            }

            var contentType = Value(form, $"MediaContentType{i.ToString(CultureInfo.InvariantCulture)}") ?? "application/octet-stream";
            var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Segments.Length > 0 ? uri.Segments[^1].Trim('/') : $"media{i}";
            media.Add(new Attachment(string.IsNullOrEmpty(name) ? $"media{i}" : name, contentType, 0, url));
        }

        return media;
    }

    private static string? Value(IReadOnlyDictionary<string, string> form, string key) =>
        form.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
