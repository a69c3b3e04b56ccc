using Hub.Web.Tests.Infrastructure;

namespace Hub.Web.Tests.Campaigns;

/// <summary>
/// A <see cref="DashboardTestContext"/> that xUnit disposes asynchronously: MudBlazor's pickers and selects bring services
/// that only implement <see cref="IAsyncDisposable"/>, which a synchronous dispose of the container refuses.
/// </summary>
public abstract class AsyncDisposedTestContext : DashboardTestContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
