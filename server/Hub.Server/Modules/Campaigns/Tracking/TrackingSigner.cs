using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Hub.Core.Campaigns;
using Hub.Server.Auth;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>
/// Signs and checks tracking links: an HMAC-SHA256 over workspace, message, link kind and (for clicks) the exact
/// destination URL, so a link can't be pointed elsewhere (no open redirect) or moved to another message.
/// Signatures are URL-safe base64 of the first 128 bits, compared in constant time.
/// </summary>
public sealed class TrackingSigner
{
    private const int MacBytes = 16;
    private readonly byte[] _key;

    public TrackingSigner(IOptions<TrackingOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            _key = SigningKeyProvider.KeyFile(environment, options.Value.SigningKeyPath);
            return;
        }

        byte[]? key = null;
        try
        {
            key = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
        }

        if (key is not { Length: >= 32 })
        {
            throw new OptionsValidationException(TrackingOptions.Section, typeof(TrackingOptions), ["Tracking:SigningKey must be base64 of at least 32 bytes."]);
        }

        _key = key;
    }

    /// <summary>The signature of one link.</summary>
    public string Sign(Guid workspaceId, Guid messageId, TrackingHitKind kind, string? url = null) =>
        Base64Url.EncodeToString(Mac(workspaceId, messageId, kind, url));

    /// <summary>Whether <paramref name="signature"/> is this link's signature.</summary>
    public bool Verify(Guid workspaceId, Guid messageId, TrackingHitKind kind, string? url, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[48];
        if (!Base64Url.IsValid(signature) || Base64Url.DecodeFromChars(signature, given) is not MacBytes)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given[..MacBytes], Mac(workspaceId, messageId, kind, url));
    }

    /// <summary>The token of a message's unsubscribe link (<c>/u/{token}</c>): workspace, message and their signature.</summary>
    public string UnsubscribeToken(Guid workspaceId, Guid messageId)
    {
        var bytes = new byte[32 + MacBytes];
        workspaceId.TryWriteBytes(bytes.AsSpan(0, 16));
        messageId.TryWriteBytes(bytes.AsSpan(16, 16));
        Mac(workspaceId, messageId, TrackingHitKind.Unsubscribe, null).CopyTo(bytes.AsSpan(32));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token made by <see cref="UnsubscribeToken"/>; false for anything unsigned or altered.</summary>
    public bool TryReadUnsubscribeToken(string? token, out Guid workspaceId, out Guid messageId)
    {
        workspaceId = messageId = Guid.Empty;
        if (string.IsNullOrEmpty(token) || token.Length > 100 || !Base64Url.IsValid(token))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[80];
        if (Base64Url.DecodeFromChars(token, bytes) is not (32 + MacBytes))
        {
            return false;
        }

        var workspace = new Guid(bytes[..16]);
        var message = new Guid(bytes.Slice(16, 16));
        if (!CryptographicOperations.FixedTimeEquals(bytes.Slice(32, MacBytes), Mac(workspace, message, TrackingHitKind.Unsubscribe, null)))
        {
            return false;
        }

        (workspaceId, messageId) = (workspace, message);
        return true;
    }

    private byte[] Mac(Guid workspaceId, Guid messageId, TrackingHitKind kind, string? url)
    {
        var payload = Encoding.UTF8.GetBytes($"hub-tracking/v1\n{workspaceId:N}\n{messageId:N}\n{kind.ToString().ToLowerInvariant()}\n{url}");
        return HMACSHA256.HashData(_key, payload)[..MacBytes];
    }
}
