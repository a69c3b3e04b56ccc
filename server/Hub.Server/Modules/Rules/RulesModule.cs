using Hub.Server.Modules.Rules.Api;
using Hub.Server.Modules.Webhooks;

namespace Hub.Server.Modules.Rules;

/// <summary>Registers event ingestion, the rules engine and its worker.</summary>
public static class RulesModule
{
    /// <summary>Events in, rules evaluated, decisions recorded (<c>Events</c> settings).</summary>
    public static IHostApplicationBuilder AddRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EvaluationSignal>();
        services.AddScoped<EventIngestion>();
        services.AddScoped<SuppressionLedger>();
        services.AddScoped<ActionRunner>();
        services.AddScoped<WebhookPoster>();
        services.AddScoped<RuleEngine>();
        services.AddSignedWebhookSender(); // rule webhooks go out through the same guard as outbound ones
        if (builder.Configuration.GetValue($"{EventsOptions.Section}:{nameof(EventsOptions.RunWorker)}", true))
        {
            services.AddHostedService<RuleEvaluationWorker>();
        }

        return builder;
    }

    /// <summary>Rules, the spec's event ingestion and the audit of decisions.</summary>
    public static IEndpointRouteBuilder MapRules(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRulesApi();
        app.MapEventsApi();
        app.MapAuditApi();
        return app;
    }
}
