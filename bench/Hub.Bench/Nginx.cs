using System.Diagnostics;
using System.Globalization;

namespace Hub.Bench;

/// <summary>
/// nginx (the apt package) on a loopback port, as the physical-limit peer of the tracking endpoints: its
/// built-in <c>empty_gif</c> (a 43-byte GIF) at <c>/api/v1/tracking/open</c> and a <c>return 302 $arg_url</c> at
/// <c>/api/v1/tracking/click</c>, with the same no-cache headers Hub sends, no access log. Workers: one per core.
/// </summary>
internal sealed class Nginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private Nginx(Process process, string prefix, Uri address)
    {
        _process = process;
        _prefix = prefix;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>CPU seconds of the master and its workers (children counted once they exit; workers are read live).</summary>
    public static double Cpu() => Machine.CpuOf("nginx");

    public static async Task<Nginx> StartAsync()
    {
        var prefix = Directory.CreateTempSubdirectory("hub-bench-nginx-").FullName;
        var port = Machine.FreePort();
        const string headers = """
                add_header Cache-Control "no-store, no-cache, must-revalidate, max-age=0" always;
                add_header Pragma "no-cache" always;
                add_header Expires "0" always;
                add_header X-Robots-Tag "noindex, nofollow" always;
""";
        var conf = string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              fastcgi_temp_path {{prefix}}/fastcgi;
              uwsgi_temp_path {{prefix}}/uwsgi;
              scgi_temp_path {{prefix}}/scgi;
              keepalive_requests 1000000;
              server {
                listen 127.0.0.1:{{port}};
                location = /api/v1/tracking/open {
            {{headers}}
                  empty_gif;
                }
                location = /api/v1/tracking/click {
            {{headers}}
                  return 302 $arg_url;
                }
              }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), conf);
        var info = new ProcessStartInfo("nginx") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-g", "daemon off;" })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nginx (apt-get install nginx)");
        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = await http.GetAsync(new Uri(address, "/api/v1/tracking/open"));
                var gif = await probe.Content.ReadAsByteArrayAsync();
                Console.WriteLine($"nginx: listening on {address} (GIF of {gif.Length} bytes, {probe.Content.Headers.ContentType})");
                return new Nginx(process, prefix, address);
            }
            catch (HttpRequestException) when (!process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"nginx did not start: {(process.HasExited ? await process.StandardError.ReadToEndAsync() : "no answer")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGQUIT: graceful shutdown of the master and its workers.
            using (var quit = Process.Start("kill", ["-QUIT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await quit.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
