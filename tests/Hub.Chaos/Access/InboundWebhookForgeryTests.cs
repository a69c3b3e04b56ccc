using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Hub.Chaos.Infrastructure;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Channels.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>
/// Inbound provider webhooks with forged credentials: Twilio signatures that are missing, random, made with another
/// channel's token, made for another URL or channel or endpoint, or over another body; email webhook secrets that
/// are missing, wrong, another channel's, or nearly right. Each is 401/403 and stores nothing, while the properly
/// signed call (the control) is stored, so the counting is real. Extends TwilioWebhookTests and EmailWebhookTests.
/// </summary>
public sealed class InboundWebhookForgeryTests(InboundWebhookForgeryTests.App app, ITestOutputHelper output)
    : IClassFixture<InboundWebhookForgeryTests.App>
{
    /// <summary>The Hub these tests post to.</summary>
    public sealed class App : HubApp;

    [Fact]
    public async Task Forged_twilio_signatures_are_refused_and_store_nothing()
    {
        var (x, tokenX, numberX) = await TwilioChannelAsync(await app.SignedInAsync());
        var (y, tokenY, _) = await TwilioChannelAsync(await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}"));
        var client = app.Anonymous();
        var marker = $"forged-{Guid.NewGuid():N}";
        var form = Form(numberX, marker);
        string Url(Guid channel, string kind) => new Uri(client.BaseAddress!, $"/webhooks/twilio/{channel}/{kind}").AbsoluteUri;
        var inboundX = $"/webhooks/twilio/{x}/inbound";

        var forgeries = new (string Name, string Path, Dictionary<string, string> Form, string? Signature)[]
        {
            ("no signature", inboundX, form, null),
            ("random signature", inboundX, form, Convert.ToBase64String(RandomNumberGenerator.GetBytes(20))),
            ("empty signature", inboundX, form, string.Empty),
            ("another channel's token", inboundX, form, Sign(tokenY, Url(x, "inbound"), form)),
            ("signed for another channel's URL", inboundX, form, Sign(tokenX, Url(y, "inbound"), form)),
            ("replayed to another channel", $"/webhooks/twilio/{y}/inbound", form, Sign(tokenX, Url(x, "inbound"), form)),
            ("signed for the status URL", inboundX, form, Sign(tokenX, Url(x, "status"), form)),
            ("signed for another host", inboundX, form, Sign(tokenX, $"https://evil.example/webhooks/twilio/{x}/inbound", form)),
            ("signed with a query added", inboundX, form, Sign(tokenX, Url(x, "inbound") + "?a=1", form)),
            ("body changed after signing", inboundX, new Dictionary<string, string>(form) { ["Body"] = marker + " changed" }, Sign(tokenX, Url(x, "inbound"), form)),
            ("field added after signing", inboundX, new Dictionary<string, string>(form) { ["Extra"] = "1" }, Sign(tokenX, Url(x, "inbound"), form)),
            ("signature truncated", inboundX, form, Sign(tokenX, Url(x, "inbound"), form)[..10]),
            ("signature lower-cased", inboundX, form, Sign(tokenX, Url(x, "inbound"), form).ToLowerInvariant()),
            ("SHA-256 instead of SHA-1", inboundX, form, Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(tokenX), Encoding.UTF8.GetBytes(Url(x, "inbound"))))),
        };
        var letIn = new List<string>();
        foreach (var (name, path, body, signature) in forgeries)
        {
            using var response = await PostFormAsync(client, path, body, signature);
            output.WriteLine($"{name} → {(int)response.StatusCode}");
            if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                letIn.Add($"{name} → {(int)response.StatusCode}");
            }
        }

        var stored = await StoredAsync(marker);
        using (var genuine = await PostFormAsync(client, inboundX, form, Sign(tokenX, Url(x, "inbound"), form)))
        {
            Assert.True(genuine.IsSuccessStatusCode, $"the genuine webhook was refused: {(int)genuine.StatusCode}");
        }

        Assert.Equal(1, await StoredAsync(marker)); // the control is stored: the count above was able to see one
        Assert.True(letIn.Count == 0, "Forged Twilio webhooks got through:\n" + string.Join("\n", letIn));
        Assert.Equal(0, stored);
        ChaosReport.Record(ChaosKind.Access, "forged Twilio webhook signatures", forgeries.Length, "webhooks", letIn.Count + stored, "401/403, nothing stored");
    }

    [Fact]
    public async Task Wrong_email_webhook_secrets_are_refused_and_store_nothing()
    {
        var secret = "mail-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var otherSecret = "mail-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var channel = await EmailChannelAsync(await app.SignedInAsync(), secret);
        await EmailChannelAsync(await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}"), otherSecret);
        var marker = $"forged-{Guid.NewGuid():N}";
        var path = $"/webhooks/email/{channel}/inbound";
        string?[] wrong = [null, string.Empty, "wrong", otherSecret, secret.ToUpperInvariant(), secret + " ", " " + secret, secret[..^1], secret + "x", secret + "\r\nX-Other: 1"];
        var letIn = new List<string>();
        var tried = 0;
        foreach (var candidate in wrong)
        {
            foreach (var inQuery in new[] { false, true })
            {
                if (candidate is null && inQuery)
                {
                    continue;
                }

                tried++;
                using var request = new HttpRequestMessage(HttpMethod.Post, inQuery ? $"{path}?secret={Uri.EscapeDataString(candidate!)}" : path) { Content = Mime(marker) };
                if (!inQuery && candidate is not null)
                {
                    request.Headers.TryAddWithoutValidation(EmailWebhooks.SecretHeader, candidate);
                }

                using var response = await app.Anonymous().SendAsync(request);
                if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest))
                {
                    letIn.Add($"secret '{candidate}' ({(inQuery ? "query" : "header")}) → {(int)response.StatusCode}");
                }
            }
        }

        var stored = await StoredAsync(marker);
        using (var genuine = new HttpRequestMessage(HttpMethod.Post, path) { Content = Mime(marker) })
        {
            genuine.Headers.Add(EmailWebhooks.SecretHeader, secret);
            using var response = await app.Anonymous().SendAsync(genuine);
            Assert.True(response.IsSuccessStatusCode, $"the genuine webhook was refused: {(int)response.StatusCode}");
        }

        Assert.Equal(1, await StoredAsync(marker));
        Assert.True(letIn.Count == 0, "Email webhooks with a wrong secret got through:\n" + string.Join("\n", letIn));
        Assert.Equal(0, stored);
        output.WriteLine($"{tried} email webhooks with wrong secrets refused");
        ChaosReport.Record(ChaosKind.Access, "inbound email webhooks with wrong secrets", tried, "webhooks", letIn.Count + stored, "401/403, nothing stored");
    }

    private async Task<int> StoredAsync(string marker)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Messages.IgnoreQueryFilters()
            .CountAsync(m => m.Text != null && m.Text.Contains(marker));
    }

    private static async Task<(Guid Id, string Token, string Number)> TwilioChannelAsync(HttpClient admin)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var number = "+1415" + RandomNumberGenerator.GetInt32(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var created = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = $"Twilio {Guid.NewGuid():N}", type = "sms", provider = "twilio", address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = "AC" + Guid.NewGuid().ToString("N"), ["auth_token"] = token, ["from"] = number },
        });
        return (Guid.Parse(created.Str("id")), token, number);
    }

    private static async Task<Guid> EmailChannelAsync(HttpClient admin, string secret)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = $"Mail {Guid.NewGuid():N}", type = "email", provider = "smtp", address = "support@acme.test",
            settings = new Dictionary<string, object> { ["from"] = "support@acme.test", [EmailWebhooks.SecretSetting] = secret },
        });
        response.EnsureSuccessStatusCode();
        return Guid.Parse((await response.JsonAsync()).Str("id"));
    }

    private static Dictionary<string, string> Form(string to, string body) => new()
    {
        ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"), ["AccountSid"] = "AC" + Guid.NewGuid().ToString("N"),
        ["From"] = "+1415" + RandomNumberGenerator.GetInt32(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["To"] = to, ["Body"] = body, ["NumMedia"] = "0",
    };

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> form, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
        }

        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    // Twilio's scheme written out (HMAC-SHA1 over URL + sorted key/value pairs), not borrowed from the code under test.
    private static string Sign(string token, string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
    }

    private static ByteArrayContent Mime(string marker)
    {
        var mime = $"From: Ann <ann@example.com>\r\nTo: support@acme.test\r\nSubject: Hello\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n"
            + $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{marker}\r\n";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(mime));
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        return content;
    }
}
