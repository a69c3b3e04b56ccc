using Hub.Server.Modules.Templates.Api;

namespace Hub.Server.Modules.Templates;

/// <summary>Message templates and the one renderer campaigns, notifications and rules use.</summary>
public static class TemplatesModule
{
    public static IHostApplicationBuilder AddTemplates(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<TemplateRenderer>();
        return builder;
    }

    /// <summary><c>/api/v1/templates</c>.</summary>
    public static IEndpointRouteBuilder MapTemplates(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapTemplatesApi();
        return app;
    }
}
