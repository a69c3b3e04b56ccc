using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>
/// A customer's webhook endpoint: a real Kestrel server on a loopback port that records every request and answers with
/// the next scripted status (then <see cref="Otherwise"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    /// <summary>Statuses to answer, in order; after them, <see cref="Otherwise"/>.</summary>
    public ConcurrentQueue<int> Script { get; } = new();

    public int Otherwise { get; set; } = 200;

    /// <summary>Where a scripted 3xx points: the cloud metadata address unless a test sets it (e.g. to another receiver).</summary>
    public string RedirectTo { get; set; } = "http://169.254.169.254/latest/meta-data/";

    public Uri Url { get; private set; } = null!;

    public int Port => Url.Port;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            receiver.Requests.Enqueue(new ReceivedWebhook(
                context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray()));
            var status = receiver.Script.TryDequeue(out var scripted) ? scripted : receiver.Otherwise;
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400)
            {
                context.Response.Headers.Location = receiver.RedirectTo;
            }
            if (status >= 300)
            {
                await context.Response.WriteAsync($"receiver says {status}");
            }
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/hooks/hub");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the receiver got: path, headers (case-insensitive) and the raw body.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
