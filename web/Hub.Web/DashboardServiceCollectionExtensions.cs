using Hub.Web.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace Hub.Web;

/// <summary>Registers the dashboard's components and services; the host adds an <see cref="IApiTokenSource"/>.</summary>
public static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddHubDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddSingleton<OwnServerAddress>();
        services.AddHttpClient<HubApi>();
        services.AddScoped<AgentConnection>();
        services.AddScoped<ThemeState>();
        services.TryAddSingleton(TimeProvider.System); // a host that registers its own clock keeps it
        return services;
    }
}
