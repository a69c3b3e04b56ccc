using Hub.Intelligence;
using Hub.Intelligence.Data;
using Hub.Intelligence.Intents;
using Hub.Intelligence.Sentiment;

namespace Hub.Intelligence.Tests;

/// <summary>Where the tests find the committed models and the (not committed) training data.</summary>
internal static class TestData
{
    private static readonly Lazy<SentimentClassifier> Sentiment = new(() =>
        SentimentClassifier.Load(ModelPath("sentiment.zip"), new IntelligenceOptions().NeutralBand));

    private static readonly Lazy<IntentClassifier> Intent = new(() =>
        IntentClassifier.Load(ModelPath("intent.zip"), new IntelligenceOptions().UnknownThreshold));

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The committed sentiment model with the default neutral band, loaded once for all tests.</summary>
    public static SentimentClassifier CommittedSentiment => Sentiment.Value;

    /// <summary>The committed intent model with the default unknown threshold, loaded once for all tests.</summary>
    public static IntentClassifier CommittedIntent => Intent.Value;

    /// <summary>The committed model as copied next to the test assembly by the build.</summary>
    public static string ModelPath(string file) => Path.Combine(AppContext.BaseDirectory, "Models", file);

    public static string SentimentDirectory => IntelligencePaths.ResolveData(new IntelligenceOptions().SentimentDataPath);

    public static string Banking77Path => IntelligencePaths.ResolveData(new IntelligenceOptions().Banking77Path);

    public static bool SentimentPresent => SentimentCorpus.IsPresent(SentimentDirectory);

    public static bool Banking77Present => File.Exists(Banking77Path);

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hub-intelligence-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>
/// A fact that needs the UCI sentiment sentences (scripts/fetch-sentiment-data.sh). Skipped, with the reason in
/// the test output, when they are missing locally; in CI (CI=true) it runs anyway and fails, because CI fetches them.
/// </summary>
public sealed class SentimentDataFactAttribute : FactAttribute
{
    public SentimentDataFactAttribute()
    {
        if (!TestData.SentimentPresent && !TestData.InCi)
            Skip = $"SKIPPED: no sentiment data in {TestData.SentimentDirectory} — run scripts/fetch-sentiment-data.sh";
    }
}

/// <summary>
/// A fact that needs Banking77 (../shared/data/banking77/train.csv from the repository root). Skipped, loudly,
/// when it is missing locally; in CI (CI=true) it runs anyway and fails, because CI must have it.
/// </summary>
public sealed class Banking77FactAttribute : FactAttribute
{
    public Banking77FactAttribute()
    {
        if (!TestData.Banking77Present && !TestData.InCi)
            Skip = $"SKIPPED: no Banking77 at {TestData.Banking77Path}";
    }
}
