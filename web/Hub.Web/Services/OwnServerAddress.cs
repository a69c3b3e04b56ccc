using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hub.Web.Services;

/// <summary>
/// The plain-HTTP address this process listens on, as the server itself reaches it (a wildcard bind becomes
/// loopback). Circuits call Hub's API here when <see cref="DashboardOptions.ApiBaseUrl"/> is not set, rather than at
/// the Host header the browser sent, so a forged Host can never make the server carry a member's token elsewhere.
/// Null when the server has no HTTP address (in-memory test servers, HTTPS only): then the browser's address is used.
/// </summary>
public sealed class OwnServerAddress(IServer server)
{
    private Uri? _address;

    public Uri? Http => _address ??= Find(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);

    /// <summary>The first <c>http://</c> address of <paramref name="addresses"/>, with a wildcard host replaced by 127.0.0.1.</summary>
    public static Uri? Find(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = address["http://".Length..];
            var colon = rest.LastIndexOf(':');
            var host = colon > 0 ? rest[..colon] : rest;
            var port = colon > 0 ? rest[(colon + 1)..].TrimEnd('/') : "80";
            host = host is "0.0.0.0" or "[::]" or "+" or "*" ? "127.0.0.1" : host;
            if (Uri.TryCreate($"http://{host}:{port}/", UriKind.Absolute, out var uri))
            {
                return uri;
            }
        }

        return null;
    }
}
