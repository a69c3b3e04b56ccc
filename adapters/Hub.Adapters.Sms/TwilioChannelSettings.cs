namespace Hub.Adapters.Sms;

/// <summary>The keys a Twilio channel row keeps in its settings.</summary>
public static class TwilioChannelSettings
{
    /// <summary>The provider name channel rows use.</summary>
    public const string Provider = "twilio";

    public const string AccountSid = "account_sid";

    /// <summary>Write-only (ends in <c>token</c>): signs webhooks and authenticates API calls.</summary>
    public const string AuthToken = "auth_token";

    /// <summary>The sending number in E.164 (<c>+15005550006</c>); WhatsApp senders may be written with or without <c>whatsapp:</c>.</summary>
    public const string From = "from";

    /// <summary>A Messaging Service (<c>MG…</c>): Twilio picks the sending number from the service's pool.</summary>
    public const string MessagingServiceSid = "messaging_service_sid";

    /// <summary>An explicit status-callback URL, overriding the one built from <see cref="TwilioOptions.PublicBaseUrl"/>.</summary>
    public const string StatusCallback = "status_callback";

    /// <summary>The channel's own id, when the delivery pipeline passes it in the settings (used to build the status-callback URL).</summary>
    public const string ChannelId = "channel_id";

    /// <summary>The path of the status-callback webhook for a channel.</summary>
    public static string StatusCallbackPath(Guid channelId) => $"/webhooks/twilio/{channelId}/status";

    /// <summary>The path of the inbound-message webhook for a channel (set it as the number's or service's "A message comes in" URL).</summary>
    public static string InboundPath(Guid channelId) => $"/webhooks/twilio/{channelId}/inbound";

    /// <summary>The public status-callback URL of a channel.</summary>
    public static Uri StatusCallbackUrl(Uri publicBaseUrl, Guid channelId)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return new Uri(publicBaseUrl.AbsoluteUri.TrimEnd('/') + StatusCallbackPath(channelId));
    }

    /// <summary>True for a Messaging Service SID (<c>MG</c> + 32 hex digits).</summary>
    public static bool IsMessagingServiceSid(string? value) =>
        value is { Length: 34 } && value.StartsWith("MG", StringComparison.Ordinal) && value.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF") is false;

    /// <summary><c>whatsapp:+15005550006</c> for a WhatsApp address, however it was written.</summary>
    public static string WhatsApp(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        return trimmed.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) ? "whatsapp:" + trimmed[9..] : "whatsapp:" + trimmed;
    }

    /// <summary>The number without a <c>whatsapp:</c> prefix.</summary>
    public static string Number(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        return trimmed.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) ? trimmed[9..] : trimmed;
    }
}
