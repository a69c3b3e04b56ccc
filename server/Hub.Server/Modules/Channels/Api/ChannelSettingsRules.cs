using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Hub.Core.Channels;

namespace Hub.Server.Modules.Channels.Api;

/// <summary>
/// Checks the settings the adapters read, when they are saved: a mistyped port or security mode would otherwise
/// surface only when the first message fails. Errors are keyed <c>settings.&lt;key&gt;</c> so the form shows each one
/// beside its field. Keys the adapters don't read are left alone (a provider of one's own may use them).
/// </summary>
public static class ChannelSettingsRules
{
    private static readonly string[] SecurityModes = ["none", "plain", "starttls", "tls", "ssl", "implicit", "ssl/tls", "auto"];

    /// <summary>The fields a web chat's pre-chat form can ask for.</summary>
    public static readonly string[] PrechatFields = ["name", "email"];

    /// <summary>The problems of <paramref name="settings"/> (the whole set the channel will have), or null.</summary>
    public static Dictionary<string, string[]>? Check(ChannelType type, IReadOnlyDictionary<string, JsonElement> settings)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string key, string message) => errors[$"settings.{key}"] = [message];
        string? Text(string key) => settings.TryGetValue(key, out var v) && !ChannelSettings.IsSecret(key)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

        switch (type)
        {
            case ChannelType.Email:
                foreach (var (prefix, label) in new[] { ("smtp", "SMTP"), ("imap", "IMAP") })
                {
                    if (Text($"{prefix}_host") is { Length: > 0 } host && !IsHostName(host))
                    {
                        Add($"{prefix}_host", $"The {label} server must be a host name or IP address, like mail.example.com (no https:// and no port).");
                    }

                    if (Text($"{prefix}_port") is { Length: > 0 } port && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535))
                    {
                        Add($"{prefix}_port", $"The {label} port must be a number from 1 to 65535.");
                    }

                    if (Text($"{prefix}_security") is { Length: > 0 } security && !SecurityModes.Contains(security.Trim().ToLowerInvariant()))
                    {
                        Add($"{prefix}_security", $"The {label} security must be none, starttls or ssl.");
                    }
                }

                if (Text("from") is { Length: > 0 } from && !IsEmail(from))
                {
                    Add("from", "The sender must be an email address, like support@example.com.");
                }

                break;

            case ChannelType.Sms or ChannelType.WhatsApp:
                if (Text("account_sid") is { Length: > 0 } sid && !sid.StartsWith("AC", StringComparison.Ordinal))
                {
                    Add("account_sid", "The Account SID starts with AC; copy it from the Twilio console.");
                }

                if (Text("from") is { Length: > 0 } number && !IsPhoneNumber(number))
                {
                    Add("from", "The sending number must be in international form, like +15550001111.");
                }

                if (Text("messaging_service_sid") is { Length: > 0 } service && !(service.Length == 34 && service.StartsWith("MG", StringComparison.Ordinal)))
                {
                    Add("messaging_service_sid", "A Messaging Service SID is MG followed by 32 letters and digits.");
                }

                break;

            case ChannelType.Chat:
                CheckChat(settings, Text, Add);
                break;
        }

        return errors.Count == 0 ? null : errors;
    }

    private static void CheckChat(IReadOnlyDictionary<string, JsonElement> settings, Func<string, string?> text, Action<string, string> add)
    {
        if (text("color") is { Length: > 0 } color && !IsColour(color))
        {
            add("color", "The colour must be a hex colour, like #2563eb.");
        }

        if (text("position") is { Length: > 0 } position && position is not ("left" or "right"))
        {
            add("position", "The launcher sits left or right.");
        }

        if (text("title") is { Length: > 100 })
        {
            add("title", "The title can be at most 100 characters.");
        }

        if (text("greeting") is { Length: > 500 })
        {
            add("greeting", "The greeting can be at most 500 characters.");
        }

        if (settings.TryGetValue("allowed_origins", out var origins))
        {
            if (origins.ValueKind != JsonValueKind.Array || origins.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.String))
            {
                add("allowed_origins", "Allowed origins are a list of web addresses.");
            }
            else if (origins.EnumerateArray().Select(o => o.GetString()!).FirstOrDefault(o => !IsOrigin(o)) is { } bad)
            {
                add("allowed_origins", $"\"{bad}\" is not a site address: write it like https://www.example.com (no path).");
            }
        }

        if (settings.TryGetValue("prechat_fields", out var fields)
            && (fields.ValueKind != JsonValueKind.Array || fields.EnumerateArray().Any(f => f.ValueKind != JsonValueKind.String || !PrechatFields.Contains(f.GetString()))))
        {
            add("prechat_fields", "The pre-chat form can ask for name and email.");
        }
    }

    /// <summary>An origin as a browser sends it: scheme, host and maybe a port, nothing else.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
        && string.IsNullOrEmpty(uri.UserInfo);

    private static bool IsHostName(string host) =>
        host.Trim() is { Length: > 0 and <= 253 } h && Uri.CheckHostName(h) != UriHostNameType.Unknown;

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value.Trim(), out var parsed) && parsed.Address == value.Trim() && value.Contains('.', StringComparison.Ordinal);

    private static bool IsPhoneNumber(string value)
    {
        var number = value.Trim();
        number = number.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase) ? number[9..] : number;
        return number.StartsWith('+') && number.Length is >= 8 and <= 16 && number[1..].All(char.IsAsciiDigit);
    }

    private static bool IsColour(string value) =>
        value.StartsWith('#') && value.Length is 4 or 7 && value[1..].All(char.IsAsciiHexDigit);
}
