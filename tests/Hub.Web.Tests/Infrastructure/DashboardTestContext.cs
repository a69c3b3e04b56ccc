using Bunit;
using Bunit.TestDoubles;
using Hub.Web.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Hub.Web.Tests.Infrastructure;

/// <summary>
/// A bUnit context with MudBlazor, the real <see cref="HubApi"/> over a <see cref="FakeApi"/>, and a signed-in member.
/// xUnit disposes it asynchronously: MudBlazor's services (popovers, pickers, key interceptors) only implement
/// <see cref="IAsyncDisposable"/>, which a synchronous dispose of the container refuses.
/// </summary>
public abstract class DashboardTestContext : BunitContext, IAsyncLifetime
{
    protected DashboardTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IApiTokenSource>(new StaticToken());
        Services.AddSingleton(Options.Create(new DashboardOptions { ApiBaseUrl = new Uri("http://hub.test/") }));
        Services.AddScoped(sp => new HubApi(new HttpClient(Api), sp.GetRequiredService<IApiTokenSource>(),
            sp.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>(), sp.GetRequiredService<IOptions<DashboardOptions>>()));
        Auth = AddAuthorization();
        Auth.SetAuthorized("Test Admin");
        Auth.SetRoles("admin");
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>The API the components talk to.</summary>
    protected FakeApi Api { get; } = new();

    protected BunitAuthorizationContext Auth { get; }

    /// <summary>Renders MudBlazor's providers (popovers, dialogs, snackbars) so components that need them work.</summary>
    protected void RenderMudProviders() => Render<MudBlazor.MudPopoverProvider>();

    private sealed class StaticToken : IApiTokenSource
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult("test-token");
    }
}
