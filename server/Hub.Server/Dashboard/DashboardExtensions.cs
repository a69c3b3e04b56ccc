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
        // A person who mistypes a dashboard address gets a page, not problem+json (APIs keep answering problem+json).
        // (Written here, not re-executed: the route was chosen before this point, so a re-run would not find the page.)
        app.UseWhen(IsPageRequest, branch => branch.UseStatusCodePages(async context =>
        {
            if (context.HttpContext.Response.StatusCode == StatusCodes.Status404NotFound)
            {
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(NotFoundHtml, context.HttpContext.RequestAborted);
            }
        }));
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapGet("/favicon.ico", () => TypedResults.Redirect("/_content/Hub.Web/favicon.svg", permanent: true)).AllowAnonymous().ExcludeFromDescription();
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

    // The same words as web/Hub.Web/Pages/NotFound.razor (what in-dashboard navigation to an unknown address shows).
    private const string NotFoundHtml = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
        <title>Not found · Hub</title><link rel="icon" type="image/svg+xml" href="/_content/Hub.Web/favicon.svg">
        <link href="/_content/Hub.Web/hub.css" rel="stylesheet"></head>
        <body><div class="hub-login"><div class="hub-login-card" data-testid="not-found"><h1>This page does not exist</h1>
        <p>The address may be mistyped, or what it showed was deleted.</p><a href="/" class="hub-login-link">Back to the dashboard</a>
        </div></div></body></html>
        """;

    private static bool IsPageRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments("/api")
        && !context.Request.Path.StartsWithSegments("/hubs");
}
