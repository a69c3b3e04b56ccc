using System.Security.Cryptography;
using System.Text;

namespace Hub.Adapters.Sms;

/// <summary>
/// Twilio's request signature (<c>X-Twilio-Signature</c>): Base64 of HMAC-SHA1, keyed with the account's auth token,
/// over the full URL Twilio called (query included) followed by every form field's name and value, sorted by name.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is Twilio's for this request. The URL is also tried with and without the
    /// scheme's default port, since Twilio's own helper libraries accept either spelling. Compared in constant time.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var fields = form.ToList();
        var presented = Encoding.UTF8.GetBytes(signature);
        var valid = false;
        foreach (var candidate in UrlSpellings(url))
        {
            var expected = Encoding.UTF8.GetBytes(Compute(authToken, candidate, fields));
            valid |= CryptographicOperations.FixedTimeEquals(expected, presented);
        }

        return valid;
    }

    private static IEnumerable<string> UrlSpellings(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsDefaultPort)
        {
            yield break;
        }

        // Uri hides a default port, so compare the text: add ":443" when it is missing, drop it when it is there.
        var authority = $"{uri.Scheme}://{uri.Host}";
        var port = ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!url.StartsWith(authority, StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }

        var rest = url[authority.Length..];
        yield return rest.StartsWith(port, StringComparison.Ordinal) ? authority + rest[port.Length..] : authority + port + rest;
    }
}
