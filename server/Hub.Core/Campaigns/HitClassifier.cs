using System.Net;

namespace Hub.Core.Campaigns;

/// <summary>What the classifier knows about one tracking hit.</summary>
public sealed record HitContext(TrackingHitKind Kind, DateTimeOffset OccurredAt, string? IpAddress, string? UserAgent)
{
    /// <summary>When the message left Hub (sent or delivered), if known: clicks right after it are scanners.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>The click was on the hidden link no person can see.</summary>
    public bool IsTrapLink { get; init; }

    /// <summary>The clicked URL (clicks only).</summary>
    public string? Url { get; init; }

    /// <summary>Other clicks on links of the same message (time and URL), to spot a scanner following every link at once.</summary>
    public IReadOnlyList<(DateTimeOffset At, string? Url)> OtherClicks { get; init; } = [];
}

/// <summary>The classifier's answer: who is behind a hit, and the rule that said so.</summary>
public sealed record HitVerdict(HitClassification Classification, string Reason)
{
    public static readonly HitVerdict Human = new(HitClassification.Human, "human");
}

/// <summary>
/// Tells people from machines in tracking hits, so open and click rates count readers: mailbox proxies that
/// fetch every pixel (Apple Mail Privacy Protection, Gmail and Yahoo image proxies) are <em>machine</em>; security
/// gateways and bots that follow every link (SafeLinks, Mimecast, Proofpoint, Barracuda, headless browsers,
/// a click on the hidden trap link, a click seconds after delivery, many links of one message within a second)
/// are <em>scanner</em>. Pure: the caller supplies the message's delivery time and its other clicks.
/// </summary>
public sealed class HitClassifier(TimeSpan scannerWindow)
{
    /// <summary>Distinct links of one message clicked within <see cref="BurstWindow"/> that no person clicks so fast.</summary>
    public const int BurstLinks = 3;

    public static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(1);

    // Security gateways and link checkers that follow links in mail on delivery (substrings of their user agents).
    private static readonly (string Pattern, string Reason)[] ScannerAgents =
    [
        ("Barracuda", "scanner_agent"), ("Mimecast", "scanner_agent"), ("Proofpoint", "scanner_agent"),
        ("ppops-", "scanner_agent"), ("SafeLinks", "scanner_agent"), ("Microsoft Office Existence Discovery", "scanner_agent"),
        ("BingPreview", "scanner_agent"), ("Trend Micro", "scanner_agent"), ("TrendMicro", "scanner_agent"),
        ("Sophos", "scanner_agent"), ("FireEye", "scanner_agent"), ("Forcepoint", "scanner_agent"), ("Symantec", "scanner_agent"),
        ("MessageLabs", "scanner_agent"), ("IronPort", "scanner_agent"), ("Cisco", "scanner_agent"), ("Zscaler", "scanner_agent"),
        ("Fortinet", "scanner_agent"), ("FortiGuard", "scanner_agent"), ("Check Point", "scanner_agent"), ("Trustwave", "scanner_agent"),
        ("AppRiver", "scanner_agent"), ("SpamTitan", "scanner_agent"), ("Hornetsecurity", "scanner_agent"), ("Avanan", "scanner_agent"),
        ("HeadlessChrome", "headless_agent"), ("PhantomJS", "headless_agent"), ("Puppeteer", "headless_agent"), ("Playwright", "headless_agent"),
        ("python-requests", "headless_agent"), ("python-urllib", "headless_agent"), ("aiohttp", "headless_agent"), ("curl/", "headless_agent"),
        ("Wget", "headless_agent"), ("Go-http-client", "headless_agent"), ("okhttp", "headless_agent"), ("Java/", "headless_agent"),
        ("Apache-HttpClient", "headless_agent"), ("libwww-perl", "headless_agent"), ("Scrapy", "headless_agent"), ("node-fetch", "headless_agent"),
        ("axios/", "headless_agent"),
        ("bot", "bot_agent"), ("crawler", "bot_agent"), ("spider", "bot_agent"), ("preview", "bot_agent"),
    ];

    // Mailbox providers' image proxies: they load the pixel for (or instead of) the reader.
    private static readonly (string Pattern, string Reason)[] ProxyAgents =
    [
        ("GoogleImageProxy", "google_image_proxy"), ("ggpht.com", "google_image_proxy"),
        ("YahooMailProxy", "yahoo_mail_proxy"),
        // Gmail's delivery-time prefetch poses as an old Edge with a trailing "Mozilla/5.0".
        ("Edge/12.246 Mozilla/5.0", "gmail_prefetch"),
    ];

    // Apple's own network: Mail Privacy Protection fetches pixels from it.
    private static readonly IPNetwork[] AppleNetworks = [IPNetwork.Parse("17.0.0.0/8")];

    // Google's mail and image-proxy ranges (from its published SPF netblocks).
    private static readonly IPNetwork[] GoogleNetworks =
    [
        IPNetwork.Parse("66.102.0.0/20"), IPNetwork.Parse("66.249.64.0/19"), IPNetwork.Parse("72.14.192.0/18"),
        IPNetwork.Parse("74.125.0.0/16"), IPNetwork.Parse("209.85.128.0/17"), IPNetwork.Parse("64.233.160.0/19"),
    ];

    public TimeSpan ScannerWindow { get; } = scannerWindow;

    public HitVerdict Classify(HitContext hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        if (hit.IsTrapLink)
        {
            return new(HitClassification.Scanner, "hidden_link");
        }

        var agent = hit.UserAgent?.Trim() ?? string.Empty;
        var ip = ParseIp(hit.IpAddress);
        if (hit.Kind == TrackingHitKind.Open)
        {
            return ClassifyOpen(agent, ip) ?? HitVerdict.Human;
        }

        if (agent.Length == 0)
        {
            return new(HitClassification.Scanner, "no_user_agent");
        }

        if (Match(agent, ScannerAgents) is { } scanner)
        {
            return new(HitClassification.Scanner, scanner);
        }

        if (Match(agent, ProxyAgents) is { } proxy)
        {
            return new(HitClassification.Machine, proxy);
        }

        if (hit.DeliveredAt is { } delivered && hit.OccurredAt - delivered < ScannerWindow)
        {
            return new(HitClassification.Scanner, "too_soon_after_delivery");
        }

        return IsBurst(hit) ? new(HitClassification.Scanner, "link_burst") : HitVerdict.Human;
    }

    /// <summary>True when, counting <paramref name="hit"/>, <see cref="BurstLinks"/> distinct links of the message were clicked within <see cref="BurstWindow"/>.</summary>
    public static bool IsBurst(HitContext hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var links = hit.OtherClicks
            .Where(c => (c.At - hit.OccurredAt).Duration() <= BurstWindow)
            .Select(c => c.Url ?? string.Empty)
            .Append(hit.Url ?? string.Empty)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return links >= BurstLinks;
    }

    private static HitVerdict? ClassifyOpen(string agent, IPAddress? ip)
    {
        if (Match(agent, ProxyAgents) is { } proxy)
        {
            return new(HitClassification.Machine, proxy);
        }

        // Apple Mail Privacy Protection fetches from Apple's network with a bare "Mozilla/5.0".
        if ((ip is not null && AppleNetworks.Any(n => n.Contains(ip))) || agent == "Mozilla/5.0")
        {
            return new(HitClassification.Machine, "apple_mpp");
        }

        if (ip is not null && GoogleNetworks.Any(n => n.Contains(ip)))
        {
            return new(HitClassification.Machine, "google_image_proxy");
        }

        if (Match(agent, ScannerAgents) is { } scanner)
        {
            return new(HitClassification.Scanner, scanner);
        }

        return agent.Length == 0 ? new(HitClassification.Machine, "no_user_agent") : null;
    }

    private static string? Match(string agent, (string Pattern, string Reason)[] table)
    {
        foreach (var (pattern, reason) in table)
        {
            if (agent.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                return reason;
            }
        }

        return null;
    }

    private static IPAddress? ParseIp(string? value)
    {
        if (!IPAddress.TryParse(value, out var ip))
        {
            return null;
        }

        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }
}
