using System.Buffers.Text;
using System.Net;
using System.Text.RegularExpressions;
using Hub.Chaos.Infrastructure;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Tracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>
/// Tracking links and unsubscribe tokens tampered with systematically (every position of the signature, swapped
/// message and workspace ids, another message's signature, an open signature on a click, altered targets): each is
/// a 4xx (the pixel is still a GIF), never a redirect off-site, and records no hit and unsubscribes no one.
/// </summary>
public sealed partial class ForgedTokenTests(TrackingApp app, ITestOutputHelper output) : IClassFixture<TrackingApp>
{
    private const string Target = "https://shop.example.com/sale?item=7";

    [Fact]
    public async Task Tampered_click_open_and_unsubscribe_tokens_are_refused_and_record_nothing()
    {
        var victim = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        var other = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        var stranger = await app.NewWorkspaceAsync($"Stranger {Guid.NewGuid():N}");
        var strangerWorkspace = Guid.Parse((await stranger.GetJsonAsync("/api/v1/workspace")).Str("id"));
        var click = app.Links.ClickUrl(victim.WorkspaceId, victim.MessageId, Target);
        var open = app.Links.OpenUrl(victim.WorkspaceId, victim.MessageId);
        var otherClick = app.Links.ClickUrl(other.WorkspaceId, other.MessageId, Target);
        var sig = Sig().Match(click).Groups["v"].Value;
        var openSig = Sig().Match(open).Groups["v"].Value;
        var otherSig = Sig().Match(otherClick).Groups["v"].Value;
        var escaped = Uri.EscapeDataString(Target);

        var clicks = new List<string>();
        for (var i = 0; i < sig.Length; i++)
        {
            clicks.Add(click.Replace("sig=" + sig, "sig=" + Flip(sig, i), StringComparison.Ordinal));
        }

        clicks.AddRange(
        [
            click.Replace(victim.MessageId.ToString(), other.MessageId.ToString(), StringComparison.Ordinal),
            click.Replace(victim.WorkspaceId.ToString(), strangerWorkspace.ToString(), StringComparison.Ordinal),
            click.Replace("sig=" + sig, "sig=" + otherSig, StringComparison.Ordinal),
            click.Replace("sig=" + sig, "sig=" + openSig, StringComparison.Ordinal),
            click.Replace("&sig=" + sig, string.Empty, StringComparison.Ordinal),
            click.Replace("sig=" + sig, "sig=", StringComparison.Ordinal),
            click.Replace("sig=" + sig, "sig=" + sig + sig, StringComparison.Ordinal),
        ]);
        foreach (var altered in new[] { "https://evil.example/sale?item=7", "https://shop.example.com.evil.example/sale?item=7", "http://shop.example.com/sale?item=7",
                     "https://shop.example.com/sale?item=8", "https://shop.example.com/sale?item=7&next=//evil.example", "javascript:alert(1)", "//evil.example/", "https://user@evil.example/" })
        {
            clicks.Add(click.Replace(escaped, Uri.EscapeDataString(altered), StringComparison.Ordinal));
        }

        var letIn = new List<string>();
        foreach (var url in clicks)
        {
            using var response = await GetAsync(url);
            if ((int)response.StatusCode is < 400 or >= 500 || response.Headers.Location is not null)
            {
                letIn.Add($"click {url} → {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        var opens = Enumerable.Range(0, openSig.Length).Select(i => open.Replace("sig=" + openSig, "sig=" + Flip(openSig, i), StringComparison.Ordinal)).ToList();
        opens.Add(open.Replace("sig=" + openSig, "sig=" + sig, StringComparison.Ordinal)); // a click signature on the pixel
        opens.Add(open.Replace(victim.MessageId.ToString(), other.MessageId.ToString(), StringComparison.Ordinal));
        foreach (var url in opens)
        {
            using var response = await GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "image/gif")
            {
                letIn.Add($"open {url} → {(int)response.StatusCode} (expected the GIF, unrecorded)");
            }
        }

        var token = new Uri(app.Links.UnsubscribeUrl(victim.WorkspaceId, victim.MessageId)).AbsolutePath["/u/".Length..];
        var tokens = new List<string>();
        var bytes = Base64Url.DecodeFromChars(token);
        for (var i = 0; i < bytes.Length; i += 3)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            tokens.Add(Base64Url.EncodeToString(copy));
        }

        var swapped = (byte[])bytes.Clone();
        other.MessageId.TryWriteBytes(swapped.AsSpan(16, 16)); // another message, the victim's MAC
        tokens.Add(Base64Url.EncodeToString(swapped));
        tokens.Add(token[..^2]);
        tokens.Add(token + "AA");
        foreach (var forged in tokens)
        {
            using var response = await app.Anonymous().PostAsync($"/u/{forged}", new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                letIn.Add($"unsubscribe {forged} → {(int)response.StatusCode}");
            }
        }

        // The untouched links work (so what refused the others was the tampering), on a third message.
        var control = await app.SeedMessageAsync(TimeSpan.FromMinutes(10));
        using (var ok = await GetAsync(app.Links.ClickUrl(control.WorkspaceId, control.MessageId, Target)))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.Equal(Target, ok.Headers.Location?.OriginalString);
        }

        await app.FlushAsync();
        var hits = await HitsAsync(victim.MessageId) + await HitsAsync(other.MessageId);
        Assert.Equal(1, await HitsAsync(control.MessageId));
        var tried = clicks.Count + opens.Count + tokens.Count;
        output.WriteLine($"{clicks.Count} tampered clicks, {opens.Count} tampered pixels, {tokens.Count} tampered unsubscribe tokens; {hits} hits recorded for them");
        Assert.True(letIn.Count == 0, "Tampered tracking tokens got through:\n" + string.Join("\n", letIn));
        Assert.Equal(0, hits);
        ChaosReport.Record(ChaosKind.Access, "tampered tracking links and unsubscribe tokens", tried, "tokens", letIn.Count + hits,
            "4xx (pixel: GIF) with no hit recorded, no redirect, no unsubscribe");
    }

    [Fact]
    public async Task The_sign_in_form_never_redirects_off_site_whatever_return_url_it_is_given()
    {
        string[] hostile =
        [
            "//evil.example", "https://evil.example", "http://evil.example/login", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
            "/\t/evil.example", "/\n/evil.example", "/%09/evil.example", " //evil.example", "///evil.example", "http:evil.example",
            "/login?next=https://evil.example", "data:text/html,<script>alert(1)</script>", "https:\\\\evil.example",
        ];
        var form = await DashboardForm.OpenAsync(app);
        var letIn = new List<string>();
        var tried = 0;
        foreach (var returnUrl in hostile)
        {
            foreach (var password in new[] { HubApp.AdminPassword, "Wrong-Passw0rd-9" })
            {
                tried++;
                var answer = await form.SignInAsync(HubApp.AdminEmail, password, returnUrl);
                var location = answer[(answer.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                if (!answer.StartsWith("302 ", StringComparison.Ordinal) || !IsLocal(location))
                {
                    letIn.Add($"returnUrl {Printable(returnUrl)} ({(password == HubApp.AdminPassword ? "right" : "wrong")} password) → {Printable(answer)}");
                }
            }
        }

        output.WriteLine($"{tried} sign-ins with hostile return URLs");
        Assert.True(letIn.Count == 0, "Sign-in redirected off-site or failed:\n" + string.Join("\n", letIn));
        Assert.StartsWith("302 /inbox", await form.SignInAsync(HubApp.AdminEmail, HubApp.AdminPassword, "/inbox"), StringComparison.Ordinal);
        ChaosReport.Record(ChaosKind.Access, "open-redirect attempts through the sign-in returnUrl", tried, "sign-ins", letIn.Count, "always a local redirect, never a 500");
    }

    /// <summary>A redirect target a browser resolves on this site: a path, not <c>//host</c>, <c>/\host</c>, a scheme or control characters.</summary>
    private static bool IsLocal(string location) =>
        location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith("/\\", StringComparison.Ordinal)
        && !location.Any(char.IsControl) && !location.Contains("://", StringComparison.Ordinal);

    private static string Printable(string s) => s.Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Flip(string s, int i) => s[..i] + (s[i] == 'A' ? 'B' : 'A') + s[(i + 1)..];

    private async Task<HttpResponseMessage> GetAsync(string absoluteUrl) =>
        await app.Anonymous().GetAsync(new Uri(absoluteUrl).PathAndQuery);

    private async Task<int> HitsAsync(Guid messageId)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().TrackingHits.IgnoreQueryFilters().CountAsync(h => h.MessageId == messageId);
    }

    [GeneratedRegex("sig=(?<v>[^&]+)")]
    private static partial Regex Sig();
}
