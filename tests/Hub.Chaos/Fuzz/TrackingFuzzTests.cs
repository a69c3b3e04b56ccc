using System.Net;
using Hub.Chaos.Infrastructure;
using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// The links in every sent email (open pixel, click redirect, one-click unsubscribe), hit with tampered, truncated
/// and random tokens and with open-redirect targets: the click redirect only ever sends a reader to the exact URL its
/// signature covers, nothing unsigned is recorded or unsubscribes anyone, and nothing answers 5xx.
/// </summary>
public sealed class TrackingFuzzTests(FuzzApp app, ITestOutputHelper output) : IClassFixture<FuzzApp>
{
    private const string Signed = "https://shop.example.com/sale?x=1&y=%C3%A9";

    private static readonly string[] OpenRedirects =
    [
        "//evil.example", "//evil.example/%2F..", "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "http://evil.example",
        "https://shop.example.com@evil.example/", "https://shop.example.com.evil.example/", "\\\\evil.example", "/\\evil.example",
        "https:evil.example", "data:text/html,<script>alert(1)</script>", "https://evil.example/%0d%0aSet-Cookie:%20a=1", "\thttps://evil.example",
        " https://shop.example.com/sale?x=1", Signed + "#frag", Signed + "&z=2", Signed.ToUpperInvariant(), "https://shop.example.com/sale?x=1&y=é",
        "https://shop.example.com/sale?x=1&y=%c3%a9", "file:///etc/passwd", "", "https://xn--shp-vna.example.com/",
    ];

    [Fact]
    public async Task Tracking_links_never_redirect_off_the_signed_url_and_record_nothing_unsigned()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(TrackingFuzzTests)));
        var random = FuzzSettings.For(nameof(TrackingFuzzTests));
        var admin = await app.NewWorkspaceAsync($"Tracking fuzz {Guid.NewGuid():N}");
        var workspaceId = (await admin.GetJsonAsync("/api/v1/auth/me")).GetProperty("workspace_id").GetGuid();
        var rows = await FuzzRows.CreateAsync(app, admin, "trk");
        // Hits are kept for messages Hub sent: an agent's reply is one.
        var messageId = Guid.Parse((await admin.PostJsonAsync($"/api/v1/conversations/{rows.ConversationId}/messages", new { content = "It ships today" })).Str("id"));
        var signer = app.Services.GetRequiredService<TrackingSigner>();
        var links = app.Services.GetRequiredService<TrackingLinks>();
        string Local(string url) => new Uri(url).PathAndQuery;
        string Q(string s) => Uri.EscapeDataString(s);
        var sig = signer.Sign(workspaceId, messageId, TrackingHitKind.Click, Signed);
        var openSig = signer.Sign(workspaceId, messageId, TrackingHitKind.Open);
        var client = app.Anonymous();
        var failures = new List<string>();
        var tried = 0;
        var validHits = 0;

        async Task<HttpResponseMessage> Get(string name, string path, HttpMethod? method = null)
        {
            tried++;
            using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
            var response = await client.SendAsync(request);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{name}: {path} → {(int)response.StatusCode}");
            }

            return response;
        }

        // The genuine links work: the click goes exactly where it was signed for.
        using (var click = await Get("valid click", Local(links.ClickUrl(workspaceId, messageId, Signed))))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal(Signed, click.Headers.Location?.OriginalString);
            validHits++;
        }

        using (var open = await Get("valid open", Local(links.OpenUrl(workspaceId, messageId))))
        {
            Assert.Equal("image/gif", open.Content.Headers.ContentType?.MediaType);
            validHits++;
        }

        // Click: other targets under the signature, tampered or foreign signatures, hostile ids.
        var clicks = new List<(string Name, string Path)>();
        foreach (var target in OpenRedirects)
        {
            clicks.Add(($"redirect to {target}", $"/api/v1/tracking/click?message_id={messageId}&workspace_id={workspaceId}&url={Q(target)}&sig={Q(sig)}"));
            clicks.Add(($"self-signed {target}", $"/api/v1/tracking/click?message_id={messageId}&workspace_id={workspaceId}&url={Q(target)}&sig={Q(signer.Sign(workspaceId, Guid.NewGuid(), TrackingHitKind.Click, target))}"));
        }

        foreach (var (name, badSig) in new[]
        {
            ("truncated sig", sig[..(sig.Length / 2)]), ("sig plus a char", sig + "A"), ("empty sig", ""), ("open sig on a click", openSig),
            ("other workspace's sig", signer.Sign(Guid.NewGuid(), messageId, TrackingHitKind.Click, Signed)), ("flipped sig", Flip(sig, random)),
            ("huge sig", new string('A', 20_000)), ("injection sig", "' OR 1=1 --"),
        })
        {
            clicks.Add((name, $"/api/v1/tracking/click?message_id={messageId}&workspace_id={workspaceId}&url={Q(Signed)}&sig={Q(badSig)}"));
        }

        clicks.Add(("other message", $"/api/v1/tracking/click?message_id={Guid.NewGuid()}&workspace_id={workspaceId}&url={Q(Signed)}&sig={Q(sig)}"));
        clicks.Add(("other workspace", $"/api/v1/tracking/click?message_id={messageId}&workspace_id={Guid.NewGuid()}&url={Q(Signed)}&sig={Q(sig)}"));
        clicks.Add(("duplicated url", $"/api/v1/tracking/click?message_id={messageId}&workspace_id={workspaceId}&url={Q(Signed)}&url={Q("https://evil.example")}&sig={Q(sig)}"));
        for (var i = 0; i < FuzzSettings.Cases * 4; i++)
        {
            clicks.Add(($"random #{i}", $"/api/v1/tracking/click?message_id={Hostile.UrlValue(random)}&workspace_id={Hostile.UrlValue(random)}&url={Hostile.UrlValue(random)}&sig={Hostile.UrlValue(random)}"));
        }

        foreach (var (name, path) in clicks)
        {
            using var response = await Get(name, path);
            var location = response.Headers.Location?.OriginalString;
            if ((int)response.StatusCode is >= 300 and < 400 || location is not null)
            {
                failures.Add($"{name}: redirected ({(int)response.StatusCode}) to {location}");
            }
            else if ((int)response.StatusCode is >= 400 and < 500 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{name}: {(int)response.StatusCode} is not problem+json");
            }
        }

        // A URL a template author signed with a line break in it must not split the Location header.
        var crlf = "https://shop.example.com/a\r\nSet-Cookie: stolen=1";
        using (var split = await Get("signed url with CRLF", Local(links.ClickUrl(workspaceId, messageId, crlf))))
        {
            Assert.False(split.Headers.Contains("Set-Cookie"), "a CRLF in a signed URL injected a header");
            if (split.StatusCode == HttpStatusCode.Redirect)
            {
                validHits++;
            }
        }

        // Open: always the pixel, recorded only when signed.
        var opens = new[] { "", "?message_id=x", $"?message_id={messageId}&workspace_id={workspaceId}&sig={Q(sig)}", $"?message_id={messageId}&workspace_id={workspaceId}&sig={Q(Flip(openSig, random))}" }
            .Concat(Enumerable.Range(0, FuzzSettings.Cases * 2).Select(_ => $"?message_id={Hostile.UrlValue(random)}&workspace_id={Hostile.UrlValue(random)}&sig={Hostile.UrlValue(random)}"));
        foreach (var query in opens)
        {
            using var response = await Get("open " + query, "/api/v1/tracking/open" + query);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "image/gif")
            {
                failures.Add($"open {query}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            }
        }

        // Unsubscribe: tampered, truncated, random and hostile tokens are refused; a GET never unsubscribes.
        var token = signer.UnsubscribeToken(workspaceId, messageId);
        var tokens = new List<string> { token[..(token.Length / 2)], token + "x", Flip(token, random), new string('A', 10_000), "..", "%2e%2e%2f%2e%2e%2fapi" };
        tokens.AddRange(Enumerable.Range(0, FuzzSettings.Cases * 2).Select(_ => Hostile.UrlValue(random).Replace("%00", "%01", StringComparison.Ordinal)));
        foreach (var bad in tokens)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var response = await Get($"{method} /u/{bad}", "/u/" + (bad.Contains('%', StringComparison.Ordinal) ? bad : Q(bad)), method);
                // ".." leaves /u/ altogether (the dashboard then sends the caller to its sign-in page, on this host).
                var offSite = (int)response.StatusCode is >= 300 and < 400 && !IsSameOrigin(response.Headers.Location);
                if (offSite || response.IsSuccessStatusCode)
                {
                    failures.Add($"{method} /u/{bad[..Math.Min(bad.Length, 40)]}: {(int)response.StatusCode}");
                }
            }
        }

        // Signed, but for a message that doesn't exist: the page may show (a GET changes nothing), the POST finds nothing.
        using (var unknown = await Get("signed token of an unknown message", "/u/" + Q(signer.UnsubscribeToken(workspaceId, Guid.NewGuid())), HttpMethod.Post))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var page = await Get("valid unsubscribe page", "/u/" + Q(token)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        // Only the signed hits were recorded (the queue flushes every 250 ms).
        var hits = 0;
        for (var i = 0; i < 40 && hits < validHits; i++)
        {
            await Task.Delay(250);
            hits = await HitsAsync(messageId);
        }

        await Task.Delay(750);
        hits = await HitsAsync(messageId);
        Assert.Equal(validHits, hits);
        Assert.True(failures.Count == 0, $"{failures.Count} tracking answers were wrong (seed {FuzzSettings.Seed}):\n" + string.Join("\n", failures));
        ChaosReport.Record(ChaosKind.Input, "Tracking links: tampered/random tokens, open-redirect targets", tried, "requests",
            failures.Count + Math.Abs(hits - validHits), $"{OpenRedirects.Length} redirect targets, seed {FuzzSettings.Seed}");
    }

    private async Task<int> HitsAsync(Guid messageId)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.TrackingHits.IgnoreQueryFilters().CountAsync(h => h.MessageId == messageId);
    }

    private static bool IsSameOrigin(Uri? location) =>
        location is { IsAbsoluteUri: false } && location.OriginalString.StartsWith('/') && !location.OriginalString.StartsWith("//", StringComparison.Ordinal)
            && !location.OriginalString.StartsWith("/\\", StringComparison.Ordinal)
        || location is { IsAbsoluteUri: true, Host: "localhost" };

    private static string Flip(string token, Random random)
    {
        var chars = token.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
