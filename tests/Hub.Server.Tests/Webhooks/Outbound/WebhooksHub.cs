using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Webhooks;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>
/// A Hub whose webhook dispatcher, evaluation worker and delivery workers are off (tests drive the dispatcher), with a
/// fixed test clock, private targets allowed (the receiver is on loopback) and the default retry schedule.
/// </summary>
public sealed class WebhooksHub : IAsyncLifetime
{
    public WebhooksHub()
    {
        App = new HubApp { ExtraServices = s => s.AddSingleton<TimeProvider>(Clock) };
        App.Settings["Webhooks:Enabled"] = "false";
        App.Settings["Webhooks:AllowPrivateTargets"] = "true";
        App.Settings["Webhooks:Timeout"] = "00:00:05";
        App.Settings["Events:RunWorker"] = "false";
        App.Settings["Delivery:Enabled"] = "false";
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(HttpClient Admin, Guid Id)> _workspaces = new();

    public HubApp App { get; }

    /// <summary>Hub's clock: fixed unless a test moves it; on a whole second, which every store keeps exactly.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public IServiceScopeFactory Scopes => App.Services.GetRequiredService<IServiceScopeFactory>();

    public WebhookOptions Options => App.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;

    public async Task InitializeAsync()
    {
        await App.InitializeAsync();
        // Sign in while the test clock still agrees with the real one: tests move it hours ahead, and a token issued
        // "in the future" would not be accepted by the real-time token check.
        for (var i = 0; i < 10; i++)
        {
            var admin = await App.NewWorkspaceAsync($"Webhooks {Guid.NewGuid():N}");
            _workspaces.Enqueue((admin, Guid.Parse((await admin.GetJsonAsync("/api/v1/workspace")).Str("id"))));
        }
    }

    public async Task DisposeAsync() => await ((IAsyncLifetime)App).DisposeAsync();

    /// <summary>One dispatcher pass, as the worker makes it; returns how many deliveries it attempted.</summary>
    public Task<int> DispatchAsync() => WebhookWorker.RunOnceAsync(Scopes, "test", Options, CancellationToken.None);

    /// <summary>A workspace no other test used: its admin client and id.</summary>
    public Task<(HttpClient Admin, Guid Id)> NewWorkspaceAsync() =>
        Task.FromResult(_workspaces.TryDequeue(out var next) ? next : throw new InvalidOperationException("Sign more workspaces up in InitializeAsync."));

    /// <summary>Subscribes <paramref name="url"/> through the API; returns the created body (with the secret).</summary>
    public static async Task<JsonElement> SubscribeAsync(HttpClient admin, Uri url, params string[] subjects)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = url.ToString(), subjects, description = "test receiver" });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public async Task<T> InAsync<T>(Guid workspaceId, Func<HubDbContext, IServiceProvider, Task<T>> work)
    {
        await using var scope = App.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>(), scope.ServiceProvider);
    }

    public Task<List<WebhookDelivery>> DeliveriesAsync(Guid workspaceId, Guid subscriptionId) =>
        InAsync(workspaceId, (db, _) => db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId).OrderBy(d => d.CreatedAt).ToListAsync());
}
