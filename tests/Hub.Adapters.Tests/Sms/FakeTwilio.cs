using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Adapters.Tests.Sms;

/// <summary>
/// A local stand-in for Twilio's Messages API, on a loopback port, speaking its wire format: form-encoded
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c> with basic auth, <c>201</c> JSON message resources
/// (<c>sid</c>, <c>status</c>, <c>num_segments</c> as a string, <c>error_code</c>), Twilio error bodies
/// (<c>{code, message, more_info, status}</c>), <c>429</c> with <c>Retry-After</c>, and status callbacks posted to the
/// message's <c>StatusCallback</c>, signed with <c>X-Twilio-Signature</c> the way Twilio signs them. It also lists the
/// messages it created (<c>GET …/Messages.json?To=…&amp;From=…&amp;PageSize=…</c>, newest first, with <c>next_page_uri</c>).
/// </summary>
public sealed partial class FakeTwilio : IAsyncLifetime
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "fake-auth-token-0123456789";
    public const string Unsubscribed = "+15005550004";
    public const string Unreachable = "+15005550009";

    private WebApplication? _app;
    private readonly HttpClient _callbacks = new();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request the API received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>What the next API calls answer instead of the normal behaviour (first in, first used).</summary>
    public ConcurrentQueue<Func<HttpContext, Task>> Overrides { get; } = new();

    /// <summary>Status callbacks the fake posted, with the status code the receiver answered.</summary>
    public ConcurrentQueue<(string Status, HttpStatusCode Answer)> CallbacksSent { get; } = new();

    /// <summary>Every message resource created, as the list endpoint returns them.</summary>
    public ConcurrentQueue<Dictionary<string, object?>> Created { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", CreateMessageAsync);
        _app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", ListMessagesAsync);
        _app.MapGet("/2010-04-01/Accounts/{accountSid}.json", FetchAccountAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        _callbacks.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The requests sent to one recipient (tests use their own numbers, so they never see each other's).</summary>
    public List<Received> To(string to) => Requests.Where(r => r.Form.GetValueOrDefault("To") == to).ToList();

    /// <summary>Twilio's signature, computed here independently of the adapter's own code.</summary>
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var builder = new StringBuilder(url);
        foreach (var pair in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(pair.Key).Append(pair.Value);
        }

        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>The account resource, as Twilio answers it to the right credentials.</summary>
    private async Task FetchAccountAsync(string accountSid, HttpContext http)
    {
        Requests.Enqueue(new Received(accountSid, http.Request.Headers.Authorization.ToString(), http.Request.ContentType ?? string.Empty, new Dictionary<string, string>()));
        if (await ScriptedOrUnauthenticatedAsync(accountSid, http))
        {
            return;
        }

        await http.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["sid"] = accountSid, ["friendly_name"] = "Hub test account", ["status"] = "active", ["type"] = "Full",
        });
    }

    private async Task CreateMessageAsync(string accountSid, HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        Requests.Enqueue(new Received(accountSid, http.Request.Headers.Authorization.ToString(), http.Request.ContentType ?? string.Empty, form));
        if (await ScriptedOrUnauthenticatedAsync(accountSid, http))
        {
            return;
        }

        var to = form.GetValueOrDefault("To") ?? string.Empty;
        var number = to.StartsWith("whatsapp:", StringComparison.Ordinal) ? to[9..] : to;
        if (!E164().IsMatch(number))
        {
            await ErrorAsync(http, 400, 21211, $"The 'To' number {to} is not a valid phone number.");
            return;
        }

        if (number == Unsubscribed)
        {
            await ErrorAsync(http, 400, 21610, "Attempt to send to unsubscribed recipient");
            return;
        }

        if (!form.ContainsKey("From") && !form.ContainsKey("MessagingServiceSid"))
        {
            await ErrorAsync(http, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
            return;
        }

        var sid = "SM" + Guid.NewGuid().ToString("N");
        var body = form.GetValueOrDefault("Body") ?? string.Empty;
        var segments = body.Any(c => c > 0x7F) ? Math.Max(1, (body.Length + 66) / 67) : Math.Max(1, (body.Length + 152) / 153);
        var service = form.GetValueOrDefault("MessagingServiceSid");
        var resource = new Dictionary<string, object?>
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = body,
            ["date_created"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture),
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = form.GetValueOrDefault("From"),
            ["messaging_service_sid"] = service,
            ["num_media"] = "0",
            ["num_segments"] = segments.ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["sid"] = sid,
            ["status"] = service is null ? "queued" : "accepted",
            ["to"] = to,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json",
        };
        Created.Enqueue(resource);
        http.Response.StatusCode = 201;
        await http.Response.WriteAsJsonAsync(resource);

        if (form.GetValueOrDefault("StatusCallback") is { Length: > 0 } callback)
        {
            var from = form.GetValueOrDefault("From") ?? "+15005550006";
            _ = Task.Run(() => PostCallbacksAsync(new Uri(callback), sid, from, to, number == Unreachable));
        }
    }

    /// <summary>Answers a scripted override, or 401 for wrong credentials as Twilio does; true when it answered.</summary>
    private async Task<bool> ScriptedOrUnauthenticatedAsync(string accountSid, HttpContext http)
    {
        if (Overrides.TryDequeue(out var scripted))
        {
            await scripted(http);
            return true;
        }

        if (http.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")) || accountSid != AccountSid)
        {
            await ErrorAsync(http, 401, 20003, "Authenticate");
            return true;
        }

        return false;
    }

    private async Task ListMessagesAsync(string accountSid, HttpContext http)
    {
        Requests.Enqueue(new Received(accountSid, http.Request.Headers.Authorization.ToString(), "GET " + http.Request.QueryString, new Dictionary<string, string>()));
        if (await ScriptedOrUnauthenticatedAsync(accountSid, http))
        {
            return;
        }

        var query = http.Request.Query;
        string? to = query["To"], from = query["From"];
        var pageSize = int.TryParse(query["PageSize"], CultureInfo.InvariantCulture, out var size) ? Math.Clamp(size, 1, 1000) : 50;
        var page = int.TryParse(query["Page"], CultureInfo.InvariantCulture, out var p) ? p : 0;
        var matching = Created.Reverse()
            .Where(m => (string.IsNullOrEmpty(to) || (string?)m["to"] == to) && (string.IsNullOrEmpty(from) || (string?)m["from"] == from)).ToList();
        var listed = matching.Skip(page * pageSize).Take(pageSize).ToList();
        var path = $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To={Uri.EscapeDataString(to ?? string.Empty)}&PageSize={pageSize}";
        await http.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["messages"] = listed,
            ["page"] = page,
            ["page_size"] = pageSize,
            ["first_page_uri"] = path + "&Page=0",
            ["previous_page_uri"] = page > 0 ? path + $"&Page={page - 1}" : null,
            ["next_page_uri"] = (page + 1) * pageSize < matching.Count ? path + $"&Page={page + 1}&PageToken=PA{page + 1}" : null,
            ["uri"] = path + $"&Page={page}",
            ["start"] = page * pageSize,
            ["end"] = (page * pageSize) + listed.Count - 1,
        });
    }

    private async Task PostCallbacksAsync(Uri callback, string sid, string from, string to, bool unreachable)
    {
        string[] statuses = unreachable ? ["sent", "undelivered"] : ["sent", "delivered"];
        foreach (var status in statuses)
        {
            var form = new Dictionary<string, string>
            {
                ["AccountSid"] = AccountSid,
                ["ApiVersion"] = "2010-04-01",
                ["From"] = from,
                ["MessageSid"] = sid,
                ["MessageStatus"] = status,
                ["SmsSid"] = sid,
                ["SmsStatus"] = status,
                ["To"] = to,
            };
            if (status == "undelivered")
            {
                form["ErrorCode"] = "30003";
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", Sign(AuthToken, callback.AbsoluteUri, form));
            request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
            using var response = await _callbacks.SendAsync(request);
            CallbacksSent.Enqueue((status, response.StatusCode));
        }
    }

    /// <summary>A Twilio error body, as the API sends it.</summary>
    public static Task ErrorAsync(HttpContext http, int status, int code, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        });
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    /// <summary>One API request as the fake received it.</summary>
    public sealed record Received(string AccountSid, string Authorization, string ContentType, IReadOnlyDictionary<string, string> Form);
}

[CollectionDefinition(Name)]
public sealed class FakeTwilioCollection : ICollectionFixture<FakeTwilio>
{
    public const string Name = "fake-twilio";
}
