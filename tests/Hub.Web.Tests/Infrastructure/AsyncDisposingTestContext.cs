namespace Hub.Web.Tests.Infrastructure;

/// <summary>
/// A <see cref="DashboardTestContext"/> that xUnit disposes asynchronously, for components whose MudBlazor services
/// (popovers, key interceptors) can only be disposed that way.
/// </summary>
public abstract class AsyncDisposingTestContext : DashboardTestContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
