using System.Globalization;
using System.Text.Json;
using Hub.Core.Channels;
using MailKit.Security;

namespace Hub.Adapters.Email;

/// <summary>One mail server and the account on it, read from a channel's settings (<c>smtp_*</c> or <c>imap_*</c>).</summary>
public sealed record MailServer(string Host, int Port, SecureSocketOptions Security, string? UserName, string? Password)
{
    /// <summary>Reads <c>{prefix}_host</c>, <c>_port</c>, <c>_security</c> (none|starttls|ssl|auto), <c>_username</c>, <c>_password</c>; null without a host.</summary>
    public static MailServer? From(IReadOnlyDictionary<string, string> settings, string prefix, int defaultPlainPort, int defaultSslPort)
    {
        if (!settings.TryGetValue($"{prefix}_host", out var host) || string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var security = settings.GetValueOrDefault($"{prefix}_security")?.Trim().ToLowerInvariant() switch
        {
            "none" or "plain" => SecureSocketOptions.None,
            "starttls" or "tls" => SecureSocketOptions.StartTls,
            "ssl" or "implicit" or "ssl/tls" => SecureSocketOptions.SslOnConnect,
            null or "" or "auto" => SecureSocketOptions.Auto,
            var other => throw new FormatException($"{prefix}_security '{other}' is not one of none, starttls, ssl."),
        };
        var port = settings.GetValueOrDefault($"{prefix}_port") is { Length: > 0 } p
            ? int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)
            : security == SecureSocketOptions.SslOnConnect ? defaultSslPort : defaultPlainPort;
        var user = settings.GetValueOrDefault($"{prefix}_username");
        return new MailServer(host.Trim(), port, security, string.IsNullOrEmpty(user) ? null : user, settings.GetValueOrDefault($"{prefix}_password"));
    }

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"{Host}:{Port} ({Security}, user {UserName ?? "-"})";
}

/// <summary>An email channel as the IMAP poller and the inbound webhook see it.</summary>
public sealed record EmailMailbox(Guid ChannelId, Guid WorkspaceId, string? Address, IReadOnlyDictionary<string, string> Settings)
{
    public MailServer? Imap => MailServer.From(Settings, "imap", 143, 993);

    public MailServer? Smtp => MailServer.From(Settings, "smtp", 587, 465);

    /// <summary>The IMAP folder to read (<c>imap_folder</c>, default INBOX).</summary>
    public string Folder => Settings.GetValueOrDefault("imap_folder") is { Length: > 0 } f ? f : "INBOX";

    /// <summary>Our own address: the channel's address, else its <c>from</c> setting.</summary>
    public string? OwnAddress => Address ?? Settings.GetValueOrDefault("from");

    public static EmailMailbox From(Channel channel) =>
        new(channel.Id, channel.WorkspaceId, channel.Address, EmailChannelSettings.ToStrings(channel.Settings));
}

/// <summary>Turns the JSON settings of a channel row into the strings the adapter reads.</summary>
public static class EmailChannelSettings
{
    public static IReadOnlyDictionary<string, string> ToStrings(IReadOnlyDictionary<string, JsonElement> settings)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    result[key] = value.GetString()!;
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    result[key] = value.GetRawText();
                    break;
            }
        }

        return result;
    }
}

/// <summary>Lists the active email channels the IMAP poller reads; the host implements it over its store.</summary>
public interface IEmailChannelDirectory
{
    Task<IReadOnlyList<EmailMailbox>> ListActiveAsync(CancellationToken cancellationToken);
}
