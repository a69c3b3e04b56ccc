using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Chaos.Infrastructure;

/// <summary>
/// A local stand-in for Twilio's Messages API (form-encoded <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c> with
/// basic auth, answered <c>201</c> with a message resource) that keeps every message it accepted, so a chaos test can
/// count what reached the provider: each body or recipient once, never twice. Point Hub at it with
/// <c>Twilio__BaseUrl</c>. No status callbacks.
/// </summary>
public sealed class TwilioStandIn : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000c4a05";

    private WebApplication? _app;

    private TwilioStandIn(string authToken) => AuthToken = authToken;

    /// <summary>The auth token the stand-in accepts (and that a channel's webhooks are signed with).</summary>
    public string AuthToken { get; }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every message accepted: its form fields (To, From, Body, ...).</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Accepted { get; } = new();

    /// <summary>Requests refused for bad credentials (should stay 0).</summary>
    public int Unauthorized => _unauthorized;

    private int _unauthorized;

    public static async Task<TwilioStandIn> StartAsync()
    {
        var standIn = new TwilioStandIn(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", standIn.CreateAsync);
        await app.StartAsync();
        standIn._app = app;
        standIn.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return standIn;
    }

    /// <summary>The channel settings that make Hub send through this stand-in from <paramref name="number"/>.</summary>
    public Dictionary<string, string> ChannelSettings(string number) => new()
    {
        ["account_sid"] = AccountSid,
        ["auth_token"] = AuthToken,
        ["from"] = number,
    };

    private async Task<IResult> CreateAsync(string accountSid, HttpContext http)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (accountSid != AccountSid || http.Request.Headers.Authorization != expected)
        {
            Interlocked.Increment(ref _unauthorized);
            return Results.Json(new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 }, statusCode: 401);
        }

        var form = (await http.Request.ReadFormAsync(http.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        Accepted.Enqueue(form);
        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["status"] = "queued",
            ["to"] = form.GetValueOrDefault("To"),
            ["from"] = form.GetValueOrDefault("From"),
            ["body"] = form.GetValueOrDefault("Body"),
            ["num_segments"] = "1",
            ["error_code"] = null,
            ["error_message"] = null,
            ["account_sid"] = AccountSid,
        }, statusCode: 201);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
