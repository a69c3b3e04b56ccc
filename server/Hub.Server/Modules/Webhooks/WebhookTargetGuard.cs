using System.Net;
using System.Net.Sockets;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Keeps webhook targets off the internal network (SSRF): only http(s), and no loopback, private, link-local (cloud
/// metadata at 169.254.169.254), CGNAT, unique-local, multicast or unspecified addresses. Checked on the URL when a
/// subscription is saved, and on every resolved address when a connection is opened (DNS can change after the
/// check, and a hostile resolver can answer differently each time).
/// </summary>
public static class WebhookTargetGuard
{
    /// <summary>Why <paramref name="url"/> can't be a webhook target, or null. Hostnames are checked at connect time.</summary>
    public static string? ProblemWithUrl(string? url, bool allowPrivate)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "url must be an absolute http or https URL.";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"url must use http or https, not {uri.Scheme}.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "url must not carry credentials; authenticate the request with the signature.";
        }

        if (allowPrivate)
        {
            return null;
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "url points to this machine (localhost); webhook targets must be public.";
        }

        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsForbidden(address))
        {
            return $"url points to a private or reserved address ({address}); webhook targets must be public.";
        }

        return null;
    }

    /// <summary>Whether Hub must not connect to <paramref name="address"/>.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => true,                                  // 0.0.0.0/8 "this network"
                10 => true,                                 // 10/8
                100 => b[1] is >= 64 and <= 127,            // 100.64/10 CGNAT
                127 => true,
                169 => b[1] == 254,                         // link-local, cloud metadata
                172 => b[1] is >= 16 and <= 31,             // 172.16/12
                192 => (b[1] == 168) || (b[1] == 0 && b[2] == 0), // 192.168/16, 192.0.0/24 IETF
                198 => b[1] is 18 or 19,                    // 198.18/15 benchmarking
                >= 224 => true,                             // multicast, reserved, broadcast
                _ => false,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0      // ::, ::1 and IPv4-compatible ::a.b.c.d
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                    // fc00::/7 unique local
                || (b[0] == 0x20 && b[1] == 0x02)           // 2002::/16 6to4 can embed a private IPv4
                || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B); // 64:ff9b::/96 NAT64
        }

        return true; // anything else is not a place to POST webhooks
    }

    /// <summary>
    /// The connect step of Hub's webhook HTTP client: resolves the host, refuses forbidden addresses (unless
    /// allowed) and connects to the first permitted one. Proxies are off, so this sees the real destination.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var permitted = allowPrivate ? addresses : addresses.Where(a => !IsForbidden(a)).ToArray();
        if (permitted.Length == 0)
        {
            throw new WebhookTargetRefusedException(addresses.Length == 0
                ? $"{endpoint.Host} did not resolve."
                : $"{endpoint.Host} resolves to a private or reserved address ({string.Join(", ", addresses.Select(a => a.ToString()))}); refused.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The webhook target resolved to an address the SSRF guard forbids.</summary>
public sealed class WebhookTargetRefusedException(string message) : IOException(message);
