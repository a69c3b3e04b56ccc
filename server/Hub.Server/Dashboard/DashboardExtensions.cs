using Hub.Web;
using Microsoft.AspNetCore.Authorization;
using Hub.Web.Components;
using Hub.Web.Services;

namespace Hub.Server.Dashboard;

/// <summary>The Blazor Server dashboard (web/Hub.Web) hosted by Hub: inbox, campaigns, contacts, rules, analytics, settings.</summary>
public static class DashboardExtensions
{
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddHubDashboard();
        builder.Services.AddScoped<IApiTokenSource, CircuitTokenSource>();
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapDashboardAccount();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(endpoint =>
        {
            // The framework's own script is public (the sign-in page loads it); pages and circuits are not.
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal))
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
            }
        });
        return app;
    }
}
