using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Auth;

/// <summary>
/// API keys look like <c>hub_{prefix}_{secret}</c>. The prefix is stored in clear to find the row; only
/// the SHA-256 of the whole key is stored. Keys are 256-bit random, so a fast hash is enough.
/// </summary>
public static class ApiKeySecret
{
    private const string Scheme = "hub_";

    public static (string Key, string Prefix, string Hash) Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"{Scheme}{prefix}_{secret}";
        return (key, prefix, Hash(key));
    }

    public static bool TryParsePrefix(string key, out string prefix)
    {
        prefix = string.Empty;
        if (!key.StartsWith(Scheme, StringComparison.Ordinal) || key.Length > 200)
        {
            return false;
        }

        var end = key.IndexOf('_', Scheme.Length);
        if (end <= Scheme.Length)
        {
            return false;
        }

        prefix = key[Scheme.Length..end];
        return true;
    }

    public static bool Matches(string key, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(storedHash));

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
