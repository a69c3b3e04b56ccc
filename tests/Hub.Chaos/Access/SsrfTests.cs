using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Webhooks.Outbound;
using Hub.Server.Modules.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>
/// Outbound webhook URLs aimed at the internal network in the spellings that slip past naive checks (hex, decimal,
/// octal and short IPv4, IPv4-mapped IPv6, trailing dots, upper case): refused when saved (422) or, for the ones that
/// are names, refused at connect time so nothing reaches a listener on this machine. A target that redirects is
/// never followed. Extends WebhookTargetGuardTests (which covers the plain private ranges).
/// </summary>
public sealed class SsrfTests(SsrfTests.App app, ITestOutputHelper output) : IClassFixture<SsrfTests.App>
{
    /// <summary>Production default: private targets not allowed.</summary>
    public sealed class App : HubApp;

    [Fact]
    public async Task Obfuscated_internal_webhook_urls_are_refused_at_save_or_at_connect_and_nothing_reaches_this_machine()
    {
        Assert.False(app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets);
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Port;
        string[] urls =
        [
            $"http://0x7f000001:{port}/h", $"http://2130706433:{port}/h", $"http://0177.0.0.1:{port}/h", $"http://127.1:{port}/h",
            $"http://127.0.0.1.:{port}/h", $"http://LOCALHOST:{port}/h", $"http://localhost.:{port}/h", $"http://[::ffff:127.0.0.1]:{port}/h",
            $"http://[0:0:0:0:0:ffff:7f00:1]:{port}/h", $"http://[::]:{port}/h", $"http://0:{port}/h", $"http://0.0.0.0:{port}/h",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/", "http://0xa9fea9fe/latest/meta-data/",
            "http://10.0.0.1/h", "http://[::1]/h", $"http://127.0.0.1:{port}/h", "http://metadata.google.internal./computeMetadata/v1/",
        ];
        var admin = await app.NewWorkspaceAsync($"SSRF {Guid.NewGuid():N}");
        var letIn = new List<string>();
        var refusedAtSave = 0;
        var refusedAtConnect = 0;
        foreach (var url in urls)
        {
            using var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, subjects = new[] { "*" } });
            if (created.StatusCode == HttpStatusCode.UnprocessableEntity)
            {
                refusedAtSave++;
                continue;
            }

            if (created.StatusCode != HttpStatusCode.Created)
            {
                letIn.Add($"{url} → {(int)created.StatusCode} (expected 422 or, for a name, 201 then refused at connect)");
                continue;
            }

            // Saved (a name the guard can't judge without DNS): the connect step must refuse it.
            var uri = new Uri(url);
            try
            {
                await using var stream = await WebhookTargetGuard.ConnectAsync(new DnsEndPoint(uri.IdnHost, uri.Port), allowPrivate: false, CancellationToken.None);
                letIn.Add($"{url}: saved and connected");
            }
            catch (Exception e) when (e is WebhookTargetRefusedException or SocketException)
            {
                refusedAtConnect++;
            }
        }

        // And a delivery attempt to each saved one reaches nothing here.
        var options = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var list = await admin.GetJsonAsync("/api/v1/webhooks");
        foreach (var hook in list.GetProperty("items").EnumerateArray())
        {
            await admin.PostAsync($"/api/v1/webhooks/{hook.Str("id")}/test", null);
        }

        for (var i = 0; i < 5; i++)
        {
            await WebhookWorker.RunOnceAsync(app.Services.GetRequiredService<IServiceScopeFactory>(), "ssrf-chaos", options, CancellationToken.None);
        }

        letIn.AddRange(receiver.Requests.Select(r => $"a webhook reached the loopback listener: {r.Path}"));
        output.WriteLine($"{urls.Length} internal URLs: {refusedAtSave} refused at save (422), {refusedAtConnect} at connect; {receiver.Requests.Count} reached the listener");
        Assert.True(letIn.Count == 0, "SSRF targets got through:\n" + string.Join("\n", letIn));
        ChaosReport.Record(ChaosKind.Access, "SSRF: obfuscated internal webhook URLs", urls.Length, "URLs", letIn.Count,
            $"{refusedAtSave} refused at save (422), {refusedAtConnect} at connect, none delivered");
    }

    [Fact]
    public async Task A_webhook_target_that_redirects_elsewhere_is_not_followed()
    {
        // Private targets allowed here so the first hop (on loopback) is reachable: the redirect must still not be followed.
        var permissive = new HubApp();
        permissive.Settings["Webhooks:AllowPrivateTargets"] = "true";
        await permissive.InitializeAsync();
        try
        {
            await using var inner = await WebhookReceiver.StartAsync();
            using var redirector = new Redirector($"http://127.0.0.1:{inner.Port}/stolen");
            var admin = await permissive.NewWorkspaceAsync($"Redirect {Guid.NewGuid():N}");
            var hook = await admin.PostJsonAsync("/api/v1/webhooks", new { url = $"http://127.0.0.1:{redirector.Port}/hook", subjects = new[] { "*" } });
            var delivery = (await (await admin.PostAsync($"/api/v1/webhooks/{hook.Str("id")}/test", null)).JsonAsync()).Str("id");
            var options = permissive.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
            JsonElement state = default;
            for (var i = 0; i < 100 && redirector.Hits == 0; i++)
            {
                await WebhookWorker.RunOnceAsync(permissive.Services.GetRequiredService<IServiceScopeFactory>(), "redirect-chaos", options, CancellationToken.None);
                await Task.Delay(50);
            }

            await Task.Delay(300);
            state = await admin.GetJsonAsync($"/api/v1/webhooks/deliveries/{delivery}");
            output.WriteLine($"redirector hits {redirector.Hits}; delivery {state.GetRawText()}");
            Assert.True(redirector.Hits > 0, "the delivery never reached the first hop");
            Assert.Empty(inner.Requests);
            Assert.NotEqual("delivered", state.Str("state"));
            ChaosReport.Record(ChaosKind.Access, "SSRF: webhook target redirecting to an internal address", 1, "deliveries", inner.Requests.Count,
                "302 not followed; delivery not marked delivered");
        }
        finally
        {
            await ((IAsyncLifetime)permissive).DisposeAsync();
        }
    }

    /// <summary>A loopback listener that answers every request with a 302 to <c>location</c>.</summary>
    private sealed class Redirector : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _hits;

        public Redirector(string location)
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _hits);
                    var buffer = new byte[64 * 1024];
                    await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), SocketFlags.None, _stop.Token);
                    socket.Shutdown(SocketShutdown.Both);
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Hits => Volatile.Read(ref _hits);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
