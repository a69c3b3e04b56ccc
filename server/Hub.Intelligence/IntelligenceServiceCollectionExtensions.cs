using Hub.Core.Intelligence;
using Hub.Intelligence.Intents;
using Hub.Intelligence.Sentiment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Intelligence;

/// <summary>Registers Hub's classifiers.</summary>
public static class IntelligenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="IntelligenceOptions"/> from the <c>Intelligence</c> section (validated at start, including
    /// that both model files exist) and registers <see cref="ISentimentClassifier"/> and
    /// <see cref="IIntentClassifier"/> as singletons that load their model once and pool prediction engines.
    /// </summary>
    public static IServiceCollection AddHubIntelligence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IntelligenceOptions>()
            .Bind(configuration.GetSection(IntelligenceOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => File.Exists(IntelligencePaths.ResolveModel(o.SentimentModelPath)),
                "Intelligence:SentimentModelPath does not point to a model file (the committed one is Models/sentiment.zip).")
            .Validate(o => File.Exists(IntelligencePaths.ResolveModel(o.IntentModelPath)),
                "Intelligence:IntentModelPath does not point to a model file (the committed one is Models/intent.zip).")
            .ValidateOnStart();

        services.AddSingleton<SentimentClassifier>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IntelligenceOptions>>().Value;
            return SentimentClassifier.Load(IntelligencePaths.ResolveModel(o.SentimentModelPath), o.NeutralBand);
        });
        services.AddSingleton<ISentimentClassifier>(sp => sp.GetRequiredService<SentimentClassifier>());
        services.AddSingleton<IntentClassifier>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IntelligenceOptions>>().Value;
            return IntentClassifier.Load(IntelligencePaths.ResolveModel(o.IntentModelPath), o.UnknownThreshold);
        });
        services.AddSingleton<IIntentClassifier>(sp => sp.GetRequiredService<IntentClassifier>());
        return services;
    }
}
