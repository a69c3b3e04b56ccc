using System.ComponentModel.DataAnnotations;

namespace Hub.Intelligence;

/// <summary>Settings of the sentiment and intent classifiers, bound from the <c>Intelligence</c> section.</summary>
public sealed class IntelligenceOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Intelligence";

    /// <summary>The sentiment model file. A relative path is resolved against the app's base directory,
    /// where the committed model is copied on build.</summary>
    [Required]
    public string SentimentModelPath { get; set; } = "Models/sentiment.zip";

    /// <summary>The intent model file (relative: against the app's base directory).</summary>
    [Required]
    public string IntentModelPath { get; set; } = "Models/intent.zip";

    /// <summary>
    /// Sentiment scores with |score| below this are reported as neutral (the training data is binary, so neutral
    /// is a product decision: 0.3 means "the model gives either side less than a 65% chance").
    /// </summary>
    [Range(0.0, 0.95)]
    public double NeutralBand { get; set; } = 0.3;

    /// <summary>
    /// An intent whose probability is below this is reported as <c>unknown</c>, so out-of-scope messages are
    /// not forced into a wrong intent and routing falls back to the default team.
    /// </summary>
    [Range(0.0, 1.0)]
    public double UnknownThreshold { get; set; } = 0.4;

    /// <summary>Banking77 training CSV (<c>text,category</c>) for the <c>train intent</c> command; relative
    /// paths are resolved against the repository root. Hub runs without it.</summary>
    public string Banking77Path { get; set; } = "../shared/data/banking77/train.csv";

    /// <summary>Where <c>scripts/fetch-sentiment-data.sh</c> puts the UCI sentiment sentences (relative: the repository root).</summary>
    public string SentimentDataPath { get; set; } = ".data/sentiment";
}
