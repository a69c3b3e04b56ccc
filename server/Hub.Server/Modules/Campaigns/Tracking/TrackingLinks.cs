using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>Which tracking a message gets (a campaign's open / click / unsubscribe switches).</summary>
public sealed record TrackingSwitches(bool Open = true, bool Click = true, bool Unsubscribe = true);

/// <summary>An email's HTML with tracking applied, and the headers to send it with.</summary>
public sealed record TrackedEmail(string Html, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Builds the signed tracking URLs of a message and rewrites its HTML: every http(s) link goes through the click
/// redirect, an open pixel and a hidden trap link (only scanners follow it) are appended, and the RFC 8058
/// one-click <c>List-Unsubscribe</c> headers are produced.
/// </summary>
public sealed partial class TrackingLinks(TrackingSigner signer, IOptions<TrackingOptions> options)
{
    /// <summary>The destination of the hidden trap link: a click on it is a scanner by definition.</summary>
    public const string TrapPath = "/api/v1/tracking/trap";

    private string BaseUrl => options.Value.BaseUrl.TrimEnd('/');

    public string OpenUrl(Guid workspaceId, Guid messageId) =>
        $"{BaseUrl}/api/v1/tracking/open?message_id={messageId}&workspace_id={workspaceId}&sig={signer.Sign(workspaceId, messageId, TrackingHitKind.Open)}";

    public string ClickUrl(Guid workspaceId, Guid messageId, string url) =>
        $"{BaseUrl}/api/v1/tracking/click?message_id={messageId}&workspace_id={workspaceId}&url={Uri.EscapeDataString(url)}&sig={signer.Sign(workspaceId, messageId, TrackingHitKind.Click, url)}";

    public string UnsubscribeUrl(Guid workspaceId, Guid messageId) => $"{BaseUrl}/u/{signer.UnsubscribeToken(workspaceId, messageId)}";

    public string TrapUrl => BaseUrl + TrapPath;

    /// <summary>Whether a clicked URL is a hidden trap link (of any base URL Hub ever used).</summary>
    public static bool IsTrap(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath.Equals(TrapPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>Applies tracking to <paramref name="html"/> of message <paramref name="messageId"/>.</summary>
    public TrackedEmail Track(Guid workspaceId, Guid messageId, string? html, TrackingSwitches switches)
    {
        ArgumentNullException.ThrowIfNull(switches);
        var body = html ?? string.Empty;
        var unsubscribeUrl = UnsubscribeUrl(workspaceId, messageId);
        if (switches.Click)
        {
            body = Anchor().Replace(body, m => RewriteHref(m, workspaceId, messageId));
        }

        var footer = new StringBuilder();
        if (switches.Unsubscribe && !body.Contains(unsubscribeUrl, StringComparison.Ordinal))
        {
            footer.Append("<p style=\"font-size:12px;color:#888\"><a href=\"").Append(WebUtility.HtmlEncode(unsubscribeUrl)).Append("\">Unsubscribe</a></p>");
        }

        if (switches.Click)
        {
            footer.Append("<a href=\"").Append(WebUtility.HtmlEncode(ClickUrl(workspaceId, messageId, TrapUrl)))
                .Append("\" style=\"display:none;font-size:0;line-height:0;max-height:0;overflow:hidden\" aria-hidden=\"true\" tabindex=\"-1\"></a>");
        }

        if (switches.Open)
        {
            footer.Append("<img src=\"").Append(WebUtility.HtmlEncode(OpenUrl(workspaceId, messageId)))
                .Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;width:1px;height:1px;border:0\">");
        }

        var end = body.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        body = end >= 0 ? body.Insert(end, footer.ToString()) : body + footer;

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (switches.Unsubscribe)
        {
            var mailto = options.Value.UnsubscribeMailto is { Length: > 0 } address ? $", <mailto:{address}?subject=unsubscribe>" : string.Empty;
            headers["List-Unsubscribe"] = $"<{unsubscribeUrl}>{mailto}";
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
        }

        return new TrackedEmail(body, headers);
    }

    /// <summary>
    /// Rewrites the http(s) URLs of a plain-text part through the signed click redirect (the same signed links the HTML
    /// part gets, so a click counts the same whichever part was read). The unsubscribe link and links already through
    /// tracking stay as they are; trailing sentence punctuation is not taken as part of a URL.
    /// </summary>
    public string TrackText(Guid workspaceId, Guid messageId, string? text, TrackingSwitches switches)
    {
        ArgumentNullException.ThrowIfNull(switches);
        if (!switches.Click || string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        return TextUrl().Replace(text, m =>
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"');
            var rest = m.Value[url.Length..];
            return IsOwnLink(url) || !Uri.TryCreate(url, UriKind.Absolute, out _) ? m.Value : ClickUrl(workspaceId, messageId, url) + rest;
        });
    }

    /// <summary>
    /// Tracks an outbound email message before it is saved: rewrites its HTML and stores the headers in its metadata,
    /// where the delivery pipeline picks them up. <paramref name="workspaceId"/> is the message's workspace.
    /// </summary>
    public void Apply(Guid workspaceId, Message message, TrackingSwitches switches)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tracked = Track(workspaceId, message.Id, message.Html ?? WebUtility.HtmlEncode(message.Text).Replace("\n", "<br>", StringComparison.Ordinal), switches);
        message.Html = tracked.Html;
        if (tracked.Headers.Count > 0)
        {
            var headers = message.Metadata.TryGetValue(Delivery.DeliveryHeaders.MetadataKey, out var existing) && existing.ValueKind == JsonValueKind.Object
                ? existing.Deserialize<Dictionary<string, string>>() ?? []
                : [];
            foreach (var (name, value) in tracked.Headers)
            {
                headers[name] = value;
            }

            message.Metadata[Delivery.DeliveryHeaders.MetadataKey] = JsonSerializer.SerializeToElement(headers);
        }
    }

    private string RewriteHref(Match anchor, Guid workspaceId, Guid messageId)
    {
        var value = anchor.Groups["dq"].Success ? anchor.Groups["dq"] : anchor.Groups["sq"].Success ? anchor.Groups["sq"] : anchor.Groups["bare"];
        var url = WebUtility.HtmlDecode(value.Value).Trim();
        if (!(url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || IsOwnLink(url)
            || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return anchor.Value; // mailto:, tel:, #anchors, relative links, the unsubscribe link and already tracked links stay
        }

        var start = anchor.Groups["href"].Index - anchor.Index;
        var length = anchor.Groups["href"].Length;
        return $"{anchor.Value[..start]}href=\"{WebUtility.HtmlEncode(ClickUrl(workspaceId, messageId, url))}\"{anchor.Value[(start + length)..]}";
    }

    /// <summary>The unsubscribe link and tracking links are never wrapped again.</summary>
    private bool IsOwnLink(string url) =>
        url.StartsWith(BaseUrl + "/u/", StringComparison.OrdinalIgnoreCase) || url.StartsWith(BaseUrl + "/api/v1/tracking/", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TextUrl();

    [GeneratedRegex("""<a\b[^>]*?(?<href>\bhref\s*=\s*(?:"(?<dq>[^"]*)"|'(?<sq>[^']*)'|(?<bare>[^\s"'>]+)))""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Anchor();
}
