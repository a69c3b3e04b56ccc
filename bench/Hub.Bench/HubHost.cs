using System.Net;
using Hub.Data;
using Hub.Server.Auth.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Bench;

/// <summary>
/// Hub itself, started in this process on a loopback port with Kestrel (real sockets), embedded SQLite in
/// a temporary directory and a known first admin; logging at Warning so the console costs nothing.
/// </summary>
/// <remarks>
/// <paramref name="settings"/> override Hub's configuration (e.g. <c>ConnectionStrings:Postgres</c> to run on PostgreSQL,
/// <c>Tracking:RateLimitPerMinute</c>); <paramref name="services"/> adds or replaces services after Hub's own.
/// </remarks>
internal sealed class HubHost(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string AdminEmail = "bench@hub.test";
    public const string AdminPassword = "Bench-Passw0rd-0123";

    private readonly string _directory = Directory.CreateTempSubdirectory("hub-bench-").FullName;

    public Uri Address { get; private set; } = null!;

    public void Start()
    {
        // WebApplicationFactory finds Hub.Server's content root through MvcTestingAppManifest.json, which
        // it looks for in the current directory: the build output's.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First());
    }

    /// <summary>End-user tokens for <paramref name="count"/> distinct users of the bootstrap workspace.</summary>
    public async Task<IReadOnlyList<string>> MintTokensAsync(int count, TimeSpan lifetime)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var workspace = await db.Workspaces.IgnoreQueryFilters().AsNoTracking().OrderBy(w => w.CreatedAt).FirstAsync();
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i =>
            ClientTokensApi.Mint(workspace.ClientTokenSecret, workspace.Id, $"bench-user-{i}", now, now + lifetime))];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:SqlitePath", Path.Combine(_directory, "hub.db"));
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:WorkspaceName", "Bench");
        builder.UseSetting("Auth:JwtSigningKey", "bench-signing-key-that-is-long-enough-0123456789");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services); // after Program's own registrations, so it can replace them
        }

        // Experiment (not Hub's configuration): HUB_BENCH_KESTREL_INLINE=1 runs Kestrel's socket
        // continuations inline instead of through its I/O queues, to see what the extra hop costs.
        if (Environment.GetEnvironmentVariable("HUB_BENCH_KESTREL_INLINE") == "1")
        {
            builder.ConfigureServices(s => s.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o =>
            {
                o.UnsafePreferInlineScheduling = true;
            }));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
