using Hub.Core.Campaigns;

namespace Hub.Core.Tests.Campaigns;

public sealed class HitClassifierTests
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string GmailProxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    private const string YahooProxy = "Mozilla/5.0 (compatible; YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html)";
    private static readonly DateTimeOffset Delivered = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly HitClassifier _classifier = new(TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData("17.58.101.12", "Mozilla/5.0", "apple_mpp")]
    [InlineData("17.58.101.12", Chrome, "apple_mpp")]
    [InlineData("203.0.113.9", "Mozilla/5.0", "apple_mpp")]
    [InlineData("::ffff:17.1.2.3", Chrome, "apple_mpp")]
    [InlineData("66.102.8.4", GmailProxy, "google_image_proxy")]
    [InlineData(null, GmailProxy, "google_image_proxy")]
    [InlineData("74.125.210.1", Chrome, "google_image_proxy")]
    [InlineData("98.136.1.1", YahooProxy, "yahoo_mail_proxy")]
    public void Mailbox_proxy_opens_are_machine_not_human(string? ip, string agent, string reason)
    {
        var verdict = _classifier.Classify(new HitContext(TrackingHitKind.Open, Delivered.AddHours(1), ip, agent) { DeliveredAt = Delivered });
        Assert.Equal(HitClassification.Machine, verdict.Classification);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void A_reader_opening_in_a_browser_is_human_even_right_after_delivery()
    {
        var verdict = _classifier.Classify(new HitContext(TrackingHitKind.Open, Delivered.AddSeconds(3), "203.0.113.9", Chrome) { DeliveredAt = Delivered });
        Assert.Equal(HitVerdict.Human, verdict);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Barracuda Sentinel)", "scanner_agent")]
    [InlineData("Mimecast URL Protect", "scanner_agent")]
    [InlineData("Mozilla/5.0 (compatible; Proofpoint URL Defense)", "scanner_agent")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Microsoft Office Existence Discovery", "scanner_agent")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "headless_agent")]
    [InlineData("python-requests/2.31.0", "headless_agent")]
    [InlineData("", "no_user_agent")]
    public void Clicks_by_security_scanners_and_headless_agents_are_scanner_whenever_they_come(string agent, string reason)
    {
        var verdict = _classifier.Classify(new HitContext(TrackingHitKind.Click, Delivered.AddDays(1), "198.51.100.7", agent) { DeliveredAt = Delivered, Url = "https://example.com" });
        Assert.Equal(new HitVerdict(HitClassification.Scanner, reason), verdict);
    }

    [Fact]
    public void A_click_two_seconds_after_delivery_is_a_scanner_and_one_minutes_later_is_a_person()
    {
        var early = _classifier.Classify(new HitContext(TrackingHitKind.Click, Delivered.AddSeconds(2), "198.51.100.7", Chrome) { DeliveredAt = Delivered, Url = "https://example.com" });
        Assert.Equal(new HitVerdict(HitClassification.Scanner, "too_soon_after_delivery"), early);

        var later = _classifier.Classify(new HitContext(TrackingHitKind.Click, Delivered.AddMinutes(1), "198.51.100.7", Chrome) { DeliveredAt = Delivered, Url = "https://example.com" });
        Assert.Equal(HitVerdict.Human, later);
    }

    [Fact]
    public void A_click_on_the_hidden_trap_link_is_a_scanner_even_from_a_browser()
    {
        var verdict = _classifier.Classify(new HitContext(TrackingHitKind.Click, Delivered.AddHours(2), "198.51.100.7", Chrome) { DeliveredAt = Delivered, IsTrapLink = true });
        Assert.Equal(new HitVerdict(HitClassification.Scanner, "hidden_link"), verdict);
    }

    [Fact]
    public void Three_links_of_one_message_within_a_second_are_a_scanner_but_two_are_a_person()
    {
        var at = Delivered.AddHours(1);
        var two = new HitContext(TrackingHitKind.Click, at, "198.51.100.7", Chrome)
        {
            DeliveredAt = Delivered, Url = "https://example.com/a", OtherClicks = [(at.AddMilliseconds(300), "https://example.com/b")],
        };
        Assert.Equal(HitVerdict.Human, _classifier.Classify(two));

        var three = two with { OtherClicks = [(at.AddMilliseconds(300), "https://example.com/b"), (at.AddMilliseconds(-500), "https://example.com/c")] };
        Assert.Equal(new HitVerdict(HitClassification.Scanner, "link_burst"), _classifier.Classify(three));

        var spread = two with { OtherClicks = [(at.AddSeconds(5), "https://example.com/b"), (at.AddSeconds(-9), "https://example.com/c")] };
        Assert.Equal(HitVerdict.Human, _classifier.Classify(spread));
    }
}
