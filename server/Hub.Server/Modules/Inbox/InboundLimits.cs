using System.Security.Cryptography;
using System.Text;
using Hub.Core.Inbox;
using Hub.Core.Text;

namespace Hub.Server.Modules.Inbox;

/// <summary>
/// What a provider hands the inbox is stored whatever it carries (refusing it would lose a customer's message), but
/// in a form every store accepts: NUL characters (which PostgreSQL cannot store) are removed, unpaired surrogates
/// (which UTF-8 cannot encode) become U+FFFD, display fields are cut to their columns on whole characters, and ids
/// longer than their columns are replaced by a stable hash (so a re-delivery still dedups).
/// </summary>
public static class InboundLimits
{
    /// <summary>The longest sender or recipient address Hub stores (RFC 5321's path limit, rounded as the columns are).</summary>
    public const int MaxAddress = 320;

    /// <summary>The longest provider id kept as sent; <c>in:{channel}:{id}</c> must fit the 200-character idempotency key.</summary>
    public const int MaxExternalId = 180;

    private const int MaxSubject = 998;
    private const int MaxName = 200;

    /// <summary>The message with NULs removed and every field within what the store holds.</summary>
    public static InboundMessage Clean(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message with
        {
            From = NoNul(message.From),
            FromName = Cut(NoNulOrNull(message.FromName), MaxName),
            To = Cut(NoNulOrNull(message.To), MaxAddress),
            Subject = Cut(NoNulOrNull(message.Subject), MaxSubject),
            Text = NoNul(message.Text),
            Html = NoNulOrNull(message.Html),
            ExternalId = message.ExternalId is null ? null : Fit(NoNul(message.ExternalId), MaxExternalId),
            InReplyTo = NoNulOrNull(message.InReplyTo),
            References = [.. message.References.Select(NoNul)],
            Attachments = [.. message.Attachments.Select(a => a with { FileName = Cut(NoNul(a.FileName), 255)!, ContentType = Cut(NoNul(a.ContentType), 255)! })],
        };
    }

    /// <summary><paramref name="value"/> itself when it fits <paramref name="max"/>, otherwise <c>sha256:</c> and its hash.</summary>
    public static string Fit(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= max ? value : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    private static string NoNul(string value) => TextCut.WholeCharacters(value.Replace("\0", string.Empty, StringComparison.Ordinal));

    private static string? NoNulOrNull(string? value) => value is null ? null : NoNul(value);

    private static string? Cut(string? value, int max) => TextCut.CutOrNull(value, max);
}
