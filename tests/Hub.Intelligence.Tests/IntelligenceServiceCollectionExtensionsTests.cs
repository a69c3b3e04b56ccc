using Hub.Core.Intelligence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Intelligence.Tests;

public sealed class IntelligenceServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddHubIntelligence(configuration).BuildServiceProvider();
    }

    [Fact]
    public void With_no_settings_the_committed_models_are_loaded_once_and_shared()
    {
        using var services = Build([]);

        var sentiment = services.GetRequiredService<ISentimentClassifier>();
        var intent = services.GetRequiredService<IIntentClassifier>();

        Assert.Same(sentiment, services.GetRequiredService<ISentimentClassifier>());
        Assert.Equal(SentimentLabel.Negative, sentiment.Classify("Awful, useless, I hate it").Label);
        Assert.Equal("lost_or_stolen_card", intent.Classify("I lost my card").Intent);
        Assert.Equal(0.4, services.GetRequiredService<IOptions<IntelligenceOptions>>().Value.UnknownThreshold);
    }

    [Fact]
    public void Neutral_band_and_unknown_threshold_come_from_configuration()
    {
        using var services = Build(new()
        {
            ["Intelligence:NeutralBand"] = "0.95",
            ["Intelligence:UnknownThreshold"] = "1",
        });

        Assert.Equal(0.95, services.GetRequiredService<Hub.Intelligence.Sentiment.SentimentClassifier>().NeutralBand);
        Assert.Equal(SentimentLabel.Neutral, services.GetRequiredService<ISentimentClassifier>().Classify("The order arrived on Tuesday.").Label);
        Assert.True(services.GetRequiredService<IIntentClassifier>().Classify("I lost my card").IsUnknown);
    }

    [Theory]
    [InlineData("Intelligence:NeutralBand", "1.5")]
    [InlineData("Intelligence:UnknownThreshold", "-0.1")]
    [InlineData("Intelligence:SentimentModelPath", "Models/missing.zip")]
    [InlineData("Intelligence:IntentModelPath", "")]
    public void Invalid_settings_are_refused_with_the_setting_named(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<IntelligenceOptions>>().Value);

        Assert.Contains(key.Split(':')[1], string.Join(" ", error.Failures));
    }
}
