using Hub.Server.Modules.Rules;
using Hub.Server.Modules.Rules.Api;
namespace Hub.Server.Modules.Rules;

/// <summary>Registers event ingestion, the rules engine and its worker.</summary>
public static class RulesExtensions
{
    /// <summary>Events in, rules evaluated, decisions recorded (<c>Events</c> settings).</summary>
    public static IHostApplicationBuilder AddRulesEngine(this IHostApplicationBuilder builder)
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
        services.AddHttpClient(WebhookPoster.ClientName);
        if (builder.Configuration.GetValue($"{EventsOptions.Section}:{nameof(EventsOptions.RunWorker)}", true))
        {
            services.AddHostedService<RuleEvaluationWorker>();
        }

        return builder;
    }
}
