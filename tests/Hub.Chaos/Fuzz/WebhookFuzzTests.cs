using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Adapters.Sms;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// The provider webhooks, which anyone on the internet can reach: Twilio's inbound and status callbacks (unsigned,
/// wrongly signed, and signed but malformed forms) and the raw-MIME email webhook (wrong secret, malformed MIME,
/// header injection, huge headers). Every answer is a 2xx or a 4xx, never a 5xx; what is stored reads back as sent.
/// </summary>
public sealed class WebhookFuzzTests(FuzzApp app, ITestOutputHelper output) : IClassFixture<FuzzApp>
{
    [Fact]
    public async Task Twilio_webhooks_refuse_unsigned_and_forged_calls_and_never_fail_on_a_signed_malformed_form()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(Twilio_webhooks_refuse_unsigned_and_forged_calls_and_never_fail_on_a_signed_malformed_form)));
        var random = FuzzSettings.For(nameof(Twilio_webhooks_refuse_unsigned_and_forged_calls_and_never_fail_on_a_signed_malformed_form));
        var admin = await app.NewWorkspaceAsync($"Twilio fuzz {Guid.NewGuid():N}");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        const string number = "+14155550100";
        var channel = await admin.PostJsonAsync("/api/v1/channels", new
        {
            name = "Texts", type = "sms", provider = "twilio", address = number,
            settings = new Dictionary<string, string> { ["account_sid"] = "AC" + Guid.NewGuid().ToString("N"), ["auth_token"] = token, ["from"] = number },
        });
        var channelId = Guid.Parse(channel.Str("id"));
        var client = app.Anonymous();
        var failures = new List<string>();
        var tried = 0;

        async Task<HttpStatusCode> Post(string name, string path, HttpContent content, string? signature, params HttpStatusCode[] expected)
        {
            tried++;
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            if (signature is not null)
            {
                request.Headers.TryAddWithoutValidation(TwilioSignature.Header, signature);
            }

            using var response = await client.SendAsync(request);
            var status = response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if ((int)status >= 500 || (expected.Length > 0 && !expected.Contains(status)))
            {
                failures.Add($"{name}: {path} → {(int)status} {body[..Math.Min(body.Length, 300)]}");
            }
            else if ((int)status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{name}: {path} → {(int)status} is not problem+json ({response.Content.Headers.ContentType})");
            }

            return status;
        }

        foreach (var kind in new[] { "inbound", "status" })
        {
            var path = $"/webhooks/twilio/{channelId}/{kind}";
            var url = new Uri(client.BaseAddress!, path).AbsoluteUri;
            var form = Form(random, number);
            await Post("unsigned", path, Encode(form), null, HttpStatusCode.Forbidden);
            await Post("random signature", path, Encode(form), Convert.ToBase64String(RandomNumberGenerator.GetBytes(20)), HttpStatusCode.Forbidden);
            await Post("garbage signature", path, Encode(form), Hostile.Pick(random).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal), HttpStatusCode.Forbidden);
            await Post("other token", path, Encode(form), Sign("not-the-token", url, form), HttpStatusCode.Forbidden);
            await Post("other url", path, Encode(form), Sign(token, url + "?x=1", form), HttpStatusCode.Forbidden);
            var tampered = new Dictionary<string, string>(form) { ["Body"] = "tampered" };
            await Post("body changed after signing", path, Encode(tampered), Sign(token, url, form), HttpStatusCode.Forbidden);
            await Post("unknown channel", $"/webhooks/twilio/{Guid.NewGuid()}/{kind}", Encode(form), Sign(token, url, form), HttpStatusCode.NotFound);
            await Post("json body", path, JsonContent.Create(form), Sign(token, url, form), HttpStatusCode.UnsupportedMediaType);
            await Post("invalid guid", $"/webhooks/twilio/{Uri.EscapeDataString(Hostile.Pick(random).Replace("\uD800", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal))}/{kind}", Encode(form), null);

            // Signed, so the handler reads them: missing fields, huge and hostile values.
            var cases = kind == "status" ? Math.Max(2, FuzzSettings.Cases / 2) : FuzzSettings.Cases * 3;
            for (var i = 0; i < cases; i++)
            {
                var mutated = Mutate(Form(random, number), random, kind);
                await Post($"signed malformed #{i}", path, Encode(mutated), Sign(token, url, mutated));
            }

            var missing = new Dictionary<string, string> { ["AccountSid"] = "AC" + new string('0', 32) };
            await Post("signed, no sid or from", path, Encode(missing), Sign(token, url, missing), HttpStatusCode.BadRequest);
            var huge = Form(random, number);
            huge["Body"] = new string('B', 5 * 1024 * 1024);
            await Post("signed, 5 MiB Body (over the form value limit)", path, Encode(huge), Sign(token, url, huge));
            var many = Enumerable.Range(0, 3000).ToDictionary(n => $"F{n}", n => "v");
            many["From"] = "+14155550111";
            many["MessageSid"] = "SM" + Guid.NewGuid().ToString("N");
            await Post("signed, 3000 fields (over the form count limit)", path, Encode(many), Sign(token, url, many));
            var raw = new ByteArrayContent([.. "Body=%zz%E0%A4&From=%2B1415&MessageSid=SM1&Body=x"u8, 0xFF, 0xFE]);
            raw.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
            await Post("undecodable form", path, raw, Convert.ToBase64String(RandomNumberGenerator.GetBytes(20)));
        }

        // A signed inbound message with markup, CRLF and injection in its body and profile name is stored as sent.
        var inboundPath = $"/webhooks/twilio/{channelId}/inbound";
        var inboundUrl = new Uri(client.BaseAddress!, inboundPath).AbsoluteUri;
        const string body = "<script>alert(1)</script>\r\nBcc: x@evil.example\r\n' OR 1=1 --";
        var stored = Form(random, "+14155550177");
        stored["Body"] = body;
        stored["ProfileName"] = "Eve\r\n<img src=x onerror=alert(1)>";
        Assert.Equal(HttpStatusCode.OK, await Post("hostile but valid", inboundPath, Encode(stored), Sign(token, inboundUrl, stored)));
        var messages = await admin.GetJsonAsync($"/api/v1/messages?channel_id={channelId}&limit=100");
        Assert.Contains(messages.GetProperty("items").EnumerateArray(), m => m.GetProperty("text").GetString() == body);

        Assert.True(failures.Count == 0, $"{failures.Count} Twilio webhook answers were wrong (seed {FuzzSettings.Seed}):\n" + string.Join("\n", failures)
            + "\nserver errors:\n" + string.Join("\n", app.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))
                .SelectMany(l => l.Split('\n').Where(line => line.Contains("Exception", StringComparison.Ordinal)).Take(3)).Take(9)));
        ChaosReport.Record(ChaosKind.Input, "Twilio webhooks: unsigned, forged, signed-but-malformed forms", tried, "webhooks", failures.Count,
            $"seed {FuzzSettings.Seed}");
    }

    [Fact]
    public async Task The_email_webhook_refuses_bad_secrets_and_never_fails_on_malformed_or_hostile_mime()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(The_email_webhook_refuses_bad_secrets_and_never_fails_on_malformed_or_hostile_mime)));
        var random = FuzzSettings.For(nameof(The_email_webhook_refuses_bad_secrets_and_never_fails_on_malformed_or_hostile_mime));
        var admin = await app.NewWorkspaceAsync($"Mail fuzz {Guid.NewGuid():N}");
        var rows = await FuzzRows.CreateAsync(app, admin, "mail");
        var client = app.Anonymous();
        var failures = new List<string>();
        var tried = 0;

        async Task<JsonElement> Post(string name, HttpRequestMessage request, params HttpStatusCode[] expected)
        {
            tried++;
            using (request)
            {
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var status = response.StatusCode;
                if ((int)status >= 500 || (expected.Length > 0 && !expected.Contains(status)))
                {
                    failures.Add($"{name} → {(int)status} {text[..Math.Min(text.Length, 300)]}");
                }
                else if ((int)status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{name} → {(int)status} is not problem+json");
                }

                return response.IsSuccessStatusCode && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
            }
        }

        var valid = Mime("Grace <grace@example.com>", "Hello", "<p>hi</p>");
        await Post("no secret", FuzzRows.EmailWebhook(rows.ChannelId, null, valid), HttpStatusCode.Unauthorized);
        await Post("wrong secret", FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret + "x", valid), HttpStatusCode.Forbidden);
        await Post("hostile secret", FuzzRows.EmailWebhook(rows.ChannelId, "' OR 1=1 --", valid), HttpStatusCode.Forbidden);
        await Post("unknown channel", FuzzRows.EmailWebhook(Guid.NewGuid(), rows.Secret, valid), HttpStatusCode.Forbidden);
        await Post("json content type", FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret, valid, "application/json"), HttpStatusCode.UnsupportedMediaType);
        await Post("empty", FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret, []), HttpStatusCode.BadRequest);
        await Post("over the size limit", FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret, Mime("a@example.com", "Big", new string('x', 600 * 1024))), HttpStatusCode.RequestEntityTooLarge);

        var malformed = new List<(string Name, byte[] Mime)>
        {
            ("random bytes", RandomBytes(random, 4096)),
            ("headers only", "From: a@example.com\r\nSubject: x"u8.ToArray()),
            ("no From", "To: b@acme.test\r\nSubject: none\r\n\r\nbody"u8.ToArray()),
            ("From is injection", Mime("' OR 1=1 --", "x", "y")),
            ("From display name with CRLF", Mime("\"Eve\r\nBcc: all@acme.test\" <eve@example.com>", "x", "y")),
            ("Subject with raw CRLF header injection", Encoding.UTF8.GetBytes("From: eve@example.com\r\nSubject: hi\r\nBcc: all@acme.test\r\n\r\nbody")),
            ("Subject encoded-word hiding CRLF", Mime("eve@example.com", "=?utf-8?b?" + Convert.ToBase64String("Hi\r\nBcc: all@acme.test\r\n\r\n<script>x</script>"u8) + "?=", "y")),
            ("Subject with NUL", Mime("eve@example.com", "a\0b", "c\0d")),
            ("huge Subject (200 KiB)", Mime("eve@example.com", new string('S', 200 * 1024), "y")),
            ("10,000 headers", Encoding.UTF8.GetBytes("From: eve@example.com\r\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"X-H{i}: v\r\n")) + "\r\nbody")),
            ("broken multipart", Encoding.UTF8.GetBytes("From: eve@example.com\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nunterminated")),
            ("multipart without boundary", Encoding.UTF8.GetBytes("From: eve@example.com\r\nContent-Type: multipart/mixed\r\n\r\nx")),
            ("nested multiparts (300 deep)", NestedMultipart(300)),
            ("bad base64 part", Encoding.UTF8.GetBytes("From: eve@example.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64***")),
            ("unknown charset", Encoding.UTF8.GetBytes("From: eve@example.com\r\nContent-Type: text/plain; charset=x-fuzz-42\r\n\r\n\xff\xfe")),
            ("attachment with hostile filename", Encoding.UTF8.GetBytes("From: eve@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\r\n<script>.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n")),
            ("script and onerror html", Mime("eve@example.com", "<b>hi</b>", "<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>")),
            ("message-id injection", Encoding.UTF8.GetBytes("From: eve@example.com\r\nMessage-ID: <' OR 1=1 --@x>\r\nIn-Reply-To: <'; DROP TABLE messages; --@x>\r\nReferences: " + string.Concat(Enumerable.Repeat("<a@b> ", 5000)) + "\r\n\r\nbody")),
            ("huge Message-ID", Encoding.UTF8.GetBytes($"From: eve@example.com\r\nMessage-ID: <{new string('m', 20_000)}@x>\r\n\r\nbody")),
            ("huge From address", Mime($"{new string('e', 5_000)}@example.com", "x", "y")),
        };
        for (var i = 0; i < FuzzSettings.Cases * 2; i++)
        {
            malformed.Add(($"random hostile headers #{i}", Mime(Hostile.Pick(random) + " <x@example.com>", Hostile.Pick(random), Hostile.Pick(random))));
        }

        foreach (var (name, mime) in malformed)
        {
            await Post(name, FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret, mime));
        }

        // An encoded-word subject that decodes to CRLF is stored, but never as a header break: it reads back as one line.
        var injected = await Post("stored injection", FuzzRows.EmailWebhook(rows.ChannelId, rows.Secret,
            Mime("mallory@example.com", "=?utf-8?b?" + Convert.ToBase64String("Hi\r\nBcc: all@acme.test"u8) + "?=", "<p>x</p>")), HttpStatusCode.OK);
        var conversation = await admin.GetJsonAsync($"/api/v1/conversations/{injected.Str("conversation_id")}");
        output.WriteLine($"stored subject: {JsonSerializer.Serialize(conversation.GetProperty("subject").GetString())}");

        Assert.True(failures.Count == 0, $"{failures.Count} email webhook answers were wrong (seed {FuzzSettings.Seed}):\n" + string.Join("\n", failures));
        ChaosReport.Record(ChaosKind.Input, "Email webhook: bad secrets, malformed MIME, header injection, huge headers", tried, "webhooks", failures.Count,
            $"seed {FuzzSettings.Seed}");
    }

    private static Dictionary<string, string> Form(Random random, string from)
    {
        var sid = "SM" + Guid.NewGuid().ToString("N");
        return new Dictionary<string, string>
        {
            ["MessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = "AC" + new string('0', 32), ["From"] = from, ["To"] = "+14155550100",
            ["Body"] = "hello " + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture), ["NumMedia"] = "0", ["MessageStatus"] = "delivered",
        };
    }

    private static Dictionary<string, string> Mutate(Dictionary<string, string> form, Random random, string kind)
    {
        string[] fields = kind == "inbound"
            ? ["MessageSid", "From", "To", "Body", "ProfileName", "NumMedia", "MediaUrl0", "MediaContentType0", "OptOutType", "WaId", "ButtonPayload", "Latitude"]
            : ["MessageSid", "MessageStatus", "ErrorCode", "ErrorMessage", "SmsStatus"];
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var field = fields[random.Next(fields.Length)];
            switch (random.Next(5))
            {
                case 0:
                    form.Remove(field);
                    break;
                case 1:
                    form[field] = Hostile.Huge(random)[..random.Next(1_000, 60_000)];
                    break;
                default:
                    form[field] = Hostile.Pick(random).Replace("\uD800", "\uFFFD", StringComparison.Ordinal);
                    break;
            }
        }

        return form;
    }

    private static FormUrlEncodedContent Encode(Dictionary<string, string> form) => new(form);

    // Twilio's scheme: HMAC-SHA1 over the URL and the fields sorted by name, written out here rather than borrowed.
    private static string Sign(string token, string url, Dictionary<string, string> form)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
    }

    private static byte[] Mime(string from, string subject, string html) => Encoding.UTF8.GetBytes(
        $"From: {from}\r\nTo: support-mail@acme.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n"
        + $"Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n");

    private static byte[] NestedMultipart(int depth)
    {
        var builder = new StringBuilder("From: eve@example.com\r\n");
        for (var i = 0; i < depth; i++)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
        }

        builder.Append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"--b{i}--\r\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
