namespace Hub.Intelligence.Evaluation;

/// <summary>Accuracy of the model (and of the baseline, when there is one) on one part of the data.</summary>
public sealed record SourceAccuracy(string Source, int Count, double? ModelAccuracy, double? BaselineAccuracy);

/// <summary>How the neutral band plays out on held-out rows (which are all positive or negative).</summary>
/// <param name="Band">|score| below this is neutral.</param>
/// <param name="NeutralFraction">Share of rows the band calls neutral.</param>
/// <param name="PolarAccuracy">Accuracy on the rows outside the band.</param>
public sealed record NeutralBandReport(double Band, double NeutralFraction, double PolarAccuracy);

/// <summary>How the unknown threshold plays out on held-out rows and on out-of-scope messages.</summary>
/// <param name="Threshold">Best-intent probability below this is <c>unknown</c>.</param>
/// <param name="AnsweredFraction">Share of in-scope rows that got an intent.</param>
/// <param name="AnsweredAccuracy">Accuracy on those rows.</param>
/// <param name="AccuracyWithUnknownAsWrong">Accuracy over all rows, counting <c>unknown</c> as a mistake.</param>
/// <param name="OutOfScopeCount">How many out-of-scope messages were tried.</param>
/// <param name="OutOfScopeUnknownRate">Share of them answered <c>unknown</c>.</param>
public sealed record UnknownThresholdReport(
    double Threshold,
    double AnsweredFraction,
    double AnsweredAccuracy,
    double AccuracyWithUnknownAsWrong,
    int OutOfScopeCount,
    double? OutOfScopeUnknownRate)
{
    /// <summary>The same numbers at other thresholds, to choose one with open eyes.</summary>
    public IReadOnlyList<UnknownThresholdReport> Sweep { get; init; } = [];
}

/// <summary>Single-message prediction latency through the pooled classifier, one thread.</summary>
public sealed record LatencyReport(int Predictions, double MeanMicroseconds, double P50Microseconds, double P99Microseconds);

/// <summary>Everything a train or evaluate run measured; written as JSON and Markdown beside the model.</summary>
public sealed record MetricsReport
{
    /// <summary><c>sentiment</c> or <c>intent</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The model file evaluated.</summary>
    public required string Model { get; init; }

    /// <summary>What the data was and where it came from.</summary>
    public required string Data { get; init; }

    /// <summary>The split's seed (null when a whole file was evaluated).</summary>
    public int? Seed { get; init; }

    /// <summary>The held-out share (null when a whole file was evaluated).</summary>
    public double? TestFraction { get; init; }

    public int TrainCount { get; init; }

    public int TestCount { get; init; }

    /// <summary>The model on the held-out rows (intent: the best intent, no unknown threshold applied).</summary>
    public required ClassificationMetrics Metrics { get; init; }

    /// <summary>The baseline's name (sentiment: AFINN-165 of sentiment@5.0.2).</summary>
    public string? BaselineName { get; init; }

    /// <summary>The baseline on the same held-out rows.</summary>
    public ClassificationMetrics? Baseline { get; init; }

    /// <summary>Held-out accuracy per source (sentiment: amazon, imdb, yelp).</summary>
    public IReadOnlyList<SourceAccuracy>? PerSource { get; init; }

    /// <summary>The baseline's accuracy per source on the whole corpus (to check it against the published numbers).</summary>
    public IReadOnlyList<SourceAccuracy>? BaselineFullCorpus { get; init; }

    public NeutralBandReport? NeutralBand { get; init; }

    /// <summary>What <see cref="ThreeClass"/> was measured on.</summary>
    public string? ThreeClassData { get; init; }

    /// <summary>Sentiment as Hub reports it (negative / neutral / positive, neutral band applied) on rows labelled with all three.</summary>
    public ClassificationMetrics? ThreeClass { get; init; }

    public UnknownThresholdReport? Unknown { get; init; }

    public LatencyReport? Latency { get; init; }
}
