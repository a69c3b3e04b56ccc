using System.Net;
using System.Text;
using Hub.Server.Modules.Channels.Chat;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.E2E;

/// <summary>
/// Hub on a real loopback socket (as <see cref="LiveHubApp"/>), with the widget endpoints mapped by the test
/// host itself in a branch of their own, so the test runs whether or not Program.cs maps them yet; plus a
/// second loopback server on another port (another origin, as a customer's site is) serving the host page.
/// </summary>
public sealed class WidgetHubApp : HubApp
{
    private HttpListener? _site;
    private CancellationTokenSource? _siteStop;

    public WidgetHubApp()
    {
        UseRealSockets = true;
        Settings["Realtime:TypingTimeout"] = "00:00:05";
        Settings["Realtime:TypingDebounce"] = "00:00:00.200";
        ExtraServices = services =>
        {
            services.AddTransient<IStartupFilter, WidgetEndpoints>();
            services.Configure<HubOptions>(o => o.AddFilter(Connections));
        };
    }

    /// <summary>Every hub connection, to cut one from the server side.</summary>
    public ConnectionTracker Connections { get; } = new();

    /// <summary>The customer site's origin, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri SiteAddress { get; private set; } = null!;

    /// <summary>The page body the site serves at <c>/</c>; <c>{HUB}</c> and <c>{KEY}</c> are replaced.</summary>
    public string WidgetKey { get; set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        StartSite();
    }

    public override async ValueTask DisposeAsync()
    {
        _siteStop?.Cancel();
        try { _site?.Stop(); } catch (ObjectDisposedException) { }
        await base.DisposeAsync();
    }

    private void StartSite()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 60_000);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                continue;
            }

            _site = listener;
            SiteAddress = new Uri($"http://127.0.0.1:{port}/");
            break;
        }

        _siteStop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!_siteStop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _site!.GetContextAsync(); }
                catch (Exception) { return; }

                var html = $$"""
                    <!doctype html>
                    <html lang="en"><head><meta charset="utf-8"><title>Acme — pricing</title>
                    <style>body{font-family:Georgia,serif;margin:40px;background:#fffdf7;color:#333} h1{color:#7c2d12}</style></head>
                    <body><h1>Acme Rocket Skates</h1><p>The customer's own page. The chat is one script tag:</p>
                    <script src="{{Address}}widget.js" data-hub-key="{{WidgetKey}}" data-prechat="true" data-title="Acme support" async></script>
                    </body></html>
                    """;
                var bytes = Encoding.UTF8.GetBytes(html);
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    /// <summary>Maps <see cref="WidgetApi"/> in a branch with its own routing, ahead of the app's pipeline.</summary>
    private sealed class WidgetEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWhen(IsWidgetPath, branch =>
            {
                // Our own endpoint table, not the app's global one (or this branch would run every endpoint unguarded).
                foreach (var key in branch.Properties.Keys.Where(k => k.Contains("EndpointRouteBuilder", StringComparison.Ordinal)).ToList())
                {
                    branch.Properties.Remove(key);
                }

                branch.UseRouting();
                branch.UseRateLimiter();
                branch.UseEndpoints(endpoints => endpoints.MapWidgetApi());
            });
            next(app);
        };

        private static bool IsWidgetPath(HttpContext context) =>
            context.Request.Path.StartsWithSegments("/api/v1/widget") || context.Request.Path == "/widget.js";
    }
}
