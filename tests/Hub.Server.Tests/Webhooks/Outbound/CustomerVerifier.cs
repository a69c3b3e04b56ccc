using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>Verifies a webhook exactly as the README tells customers to: no Hub code, only the secret and the raw request.</summary>
public static class CustomerVerifier
{
    public static bool Verify(string secret, IReadOnlyDictionary<string, string> headers, byte[] rawBody, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!headers.TryGetValue("X-Hub-Webhook-Timestamp", out var ts) || !headers.TryGetValue("X-Hub-Signature-256", out var signature)
            || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return false;
        }

        if (Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(unix)).TotalSeconds) > tolerance.TotalSeconds)
        {
            return false; // too old (or from the future): a replay
        }

        var signed = Encoding.UTF8.GetBytes(ts + ".").Concat(rawBody).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }
}
