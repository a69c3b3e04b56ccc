using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Signs a delivery: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256("{timestamp}.{body}", secret)&gt;</c> where the
/// timestamp is <c>X-Hub-Webhook-Timestamp</c> (unix seconds), so a receiver can reject replays of old requests. Rule
/// webhooks carry the older form, <c>sha256=&lt;hex HMAC-SHA256(body, workspace secret)&gt;</c> (<see cref="SignBody"/>).
/// </summary>
public static class WebhookSigner
{
    public const string IdHeader = "X-Hub-Webhook-Id";
    public const string TimestampHeader = "X-Hub-Webhook-Timestamp";
    public const string SubjectHeader = "X-Hub-Webhook-Subject";
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>A new secret: 32 random bytes, hex, prefixed so it is recognisable in a leak scan.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return SignBody(secret, signed);
    }

    /// <summary>The header value of a rule webhook: the HMAC of the body alone (no timestamp).</summary>
    public static string SignBody(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }
}
