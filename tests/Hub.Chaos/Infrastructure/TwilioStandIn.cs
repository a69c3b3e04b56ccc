using System.Collections.Concurrent;
using System.Globalization;
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
/// <c>Twilio__BaseUrl</c>. No status callbacks. It also answers Twilio's message list
/// (<c>GET …/Messages.json?To=…&amp;From=…&amp;PageSize=…</c>, newest first, paged with <c>next_page_uri</c>) in Twilio's wire
/// format, for the delivery pipeline's in-doubt reconciliation.
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

    /// <summary>Every message created, newest last, as the list endpoint reports them.</summary>
    public ConcurrentQueue<StoredMessage> Messages { get; } = new();

    /// <summary>How many list requests were answered (or refused with <see cref="FailLookups"/>).</summary>
    public int Lookups => _lookups;

    /// <summary>When true, the list endpoint answers 503 (Twilio could not be asked).</summary>
    public bool FailLookups { get; set; }

    private int _lookups;

    /// <summary>A message as Twilio keeps it.</summary>
    /// <summary>What the next create request meets (then back to <see cref="CreateFault.None"/>).</summary>
    public CreateFault NextCreate
    {
        get => (CreateFault)Volatile.Read(ref _nextCreate);
        set => Volatile.Write(ref _nextCreate, (int)value);
    }

    public sealed record StoredMessage(string Sid, string To, string? From, string Body, DateTimeOffset Created);

    /// <summary>Requests refused for bad credentials (should stay 0).</summary>
    public int Unauthorized => _unauthorized;

    private int _unauthorized;
    private int _nextCreate;

    public static async Task<TwilioStandIn> StartAsync()
    {
        var standIn = new TwilioStandIn(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", standIn.CreateAsync);
        app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", standIn.List);
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
        var fault = (CreateFault)Interlocked.Exchange(ref _nextCreate, (int)CreateFault.None);
        if (fault == CreateFault.DropWithoutCreating)
        {
            http.Abort();
            return Results.Empty;
        }

        var sid = "SM" + Guid.NewGuid().ToString("N");
        Messages.Enqueue(new StoredMessage(sid, form.GetValueOrDefault("To") ?? string.Empty, form.GetValueOrDefault("From"), form.GetValueOrDefault("Body") ?? string.Empty, DateTimeOffset.UtcNow));
        Accepted.Enqueue(form);
        switch (fault)
        {
            case CreateFault.CreateThenDrop:
                http.Abort();
                return Results.Empty;
            case CreateFault.CreateThenStall:
                await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sid,
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

    private IResult List(string accountSid, HttpContext http)
    {
        Interlocked.Increment(ref _lookups);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (accountSid != AccountSid || http.Request.Headers.Authorization != expected)
        {
            Interlocked.Increment(ref _unauthorized);
            return Results.Json(new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 }, statusCode: 401);
        }

        if (FailLookups)
        {
            return Results.Json(new { code = 20500, message = "Internal Server Error", more_info = "https://www.twilio.com/docs/errors/20500", status = 503 }, statusCode: 503);
        }

        var query = http.Request.Query;
        string? to = query["To"], from = query["From"];
        var pageSize = int.TryParse(query["PageSize"], CultureInfo.InvariantCulture, out var size) ? Math.Clamp(size, 1, 1000) : 50;
        var page = int.TryParse(query["Page"], CultureInfo.InvariantCulture, out var p) ? p : 0;
        var matching = Messages.Where(m => (string.IsNullOrEmpty(to) || m.To == to) && (string.IsNullOrEmpty(from) || m.From == from))
            .OrderByDescending(m => m.Created).ToList();
        var listed = matching.Skip(page * pageSize).Take(pageSize).ToList();
        var path = $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To={Uri.EscapeDataString(to ?? string.Empty)}&From={Uri.EscapeDataString(from ?? string.Empty)}&PageSize={pageSize}";
        var more = (page + 1) * pageSize < matching.Count;
        return Results.Json(new Dictionary<string, object?>
        {
            ["messages"] = listed.Select(m => new Dictionary<string, object?>
            {
                ["sid"] = m.Sid,
                ["account_sid"] = AccountSid,
                ["to"] = m.To,
                ["from"] = m.From,
                ["body"] = m.Body,
                ["status"] = "sent",
                ["direction"] = "outbound-api",
                ["num_segments"] = "1",
                ["messaging_service_sid"] = null,
                ["date_created"] = m.Created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture),
                ["date_updated"] = m.Created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture),
                ["date_sent"] = m.Created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture),
                ["error_code"] = null,
                ["error_message"] = null,
                ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{m.Sid}.json",
            }).ToList(),
            ["page"] = page,
            ["page_size"] = pageSize,
            ["first_page_uri"] = path + "&Page=0",
            ["previous_page_uri"] = page > 0 ? path + $"&Page={page - 1}" : null,
            ["next_page_uri"] = more ? path + $"&Page={page + 1}&PageToken=PA{page + 1}" : null,
            ["uri"] = path + $"&Page={page}",
            ["start"] = page * pageSize,
            ["end"] = (page * pageSize) + listed.Count - 1,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>How the stand-in mistreats one create request.</summary>
public enum CreateFault
{
    None,

    /// <summary>The connection is dropped before the message is created: Twilio never had it.</summary>
    DropWithoutCreating,

    /// <summary>The message is created, then the connection is dropped before the answer: only the answer is lost.</summary>
    CreateThenDrop,

    /// <summary>The message is created and the answer never comes (the caller times out).</summary>
    CreateThenStall,
}
