using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// Hub started in-process on the store the suite runs on, with a known first admin. Every log line is
/// kept so tests can check that secrets never reach the log.
/// </summary>
public class HubApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@hub.test";
    public const string AdminPassword = "Admin-Passw0rd-Test";

    private TestStore? _store;

    public TestStore Store => _store ?? throw new InvalidOperationException("Not started.");

    /// <summary>Every formatted log message written while the app ran.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Extra settings a test class wants before the host starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Services a test class adds or replaces (fake adapters, a fake clock).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>Run on the database of another, already started app (a second node on the same store) instead of a new one.</summary>
    public HubApp? SameStoreAs { get; init; }

    /// <summary>Serve over real sockets (Kestrel on a free loopback port) instead of the in-memory test server.</summary>
    public bool UseRealSockets { get; init; }

    /// <summary>Where the real server listens (only with <see cref="UseRealSockets"/>).</summary>
    public Uri? Address { get; private set; }

    public virtual async Task InitializeAsync()
    {
        _store = SameStoreAs?.Store ?? await TestStore.CreateAsync();
        if (UseRealSockets)
        {
            UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
            StartServer();
            var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
            Address = new Uri(addresses.First());
        }
        else
        {
            _ = Server; // start the host now: migrations and the first admin are part of the fixture
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_store is not null && SameStoreAs is null)
        {
            await _store.DisposeAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Serve the build's static web assets (blazor.web.js, MudBlazor's and the dashboard's files) as Development
        // does: the "Testing" environment doesn't, and without blazor.web.js dashboard pages never become interactive.
        builder.UseStaticWebAssets();
        builder.UseSetting(Store.SettingKey, Store.SettingValue);
        builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Bootstrap:WorkspaceName", "Acme");
        builder.UseSetting("Auth:AllowSignup", "true");
        builder.UseSetting("Auth:JwtSigningKey", "test-signing-key-that-is-long-enough-0123456789");
        builder.UseSetting("Auth:SignInRateLimitPerMinute", "100000");
        builder.UseSetting("Delivery:DevSinkPath", Path.Combine(Path.GetTempPath(), $"hub-dev-sink-{Guid.NewGuid():N}"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs))));
        if (ExtraServices is { } extra)
        {
            builder.ConfigureTestServices(extra);
        }
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => UseRealSockets
        ? new HttpClient { BaseAddress = Address }
        : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends the member JWT of <paramref name="email"/>.</summary>
    public async Task<HttpClient> SignedInAsync(string email = AdminEmail, string password = AdminPassword)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenBody>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    /// <summary>A client that sends <paramref name="apiKey"/> in <c>X-Api-Key</c>.</summary>
    public HttpClient WithApiKey(string apiKey)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Signs up a new workspace and returns a client signed in as its admin.</summary>
    public async Task<HttpClient> NewWorkspaceAsync(string name)
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        const string password = "Other-Passw0rd-Test";
        var response = await Anonymous().PostAsJsonAsync("/api/v1/workspaces",
            new { workspace_name = name, admin_email = email, admin_name = "Other admin", admin_password = password });
        response.EnsureSuccessStatusCode();
        return await SignedInAsync(email, password);
    }

    /// <summary>Adds a member with <paramref name="role"/> to the workspace of <paramref name="admin"/> and signs them in.</summary>
    public async Task<HttpClient> NewMemberAsync(HttpClient admin, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.com";
        const string password = "Member-Passw0rd-Test";
        var response = await admin.PostAsJsonAsync("/api/v1/members",
            new { email, display_name = $"A {role}", role, password });
        response.EnsureSuccessStatusCode();
        return await SignedInAsync(email, password);
    }

    /// <summary>The scope of a service inside the running host.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    private sealed record TokenBody([property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken);
}
