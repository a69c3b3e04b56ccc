using Hub.Core.Channels;

namespace Hub.Server.Modules.Contacts;

/// <summary>One spelling per address, so the same person is found however a provider wrote them.</summary>
public static class Addresses
{
    public static string Normalize(ChannelType channel, string address)
    {
        var trimmed = address.Trim();
        return channel switch
        {
            ChannelType.Email => trimmed.ToLowerInvariant(),
            ChannelType.Sms or ChannelType.WhatsApp => trimmed.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) ? trimmed[9..] : trimmed,
            _ => trimmed,
        };
    }

    /// <summary>"Re: Fwd: AW: Order 42" → "order 42".</summary>
    public static string NormalizeSubject(string? subject)
    {
        var s = (subject ?? string.Empty).Trim();
        while (true)
        {
            var colon = s.IndexOf(':', StringComparison.Ordinal);
            if (colon is > 0 and <= 4 && s[..colon].Trim().ToLowerInvariant() is "re" or "fw" or "fwd" or "aw" or "wg" or "sv" or "vs" or "tr")
            {
                s = s[(colon + 1)..].TrimStart();
                continue;
            }

            return s.ToLowerInvariant();
        }
    }
}
