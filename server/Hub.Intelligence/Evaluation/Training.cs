using Hub.Intelligence.Data;
using Hub.Intelligence.Intents;
using Hub.Intelligence.Sentiment;
using Microsoft.ML;

namespace Hub.Intelligence.Evaluation;

/// <summary>
/// A full, seeded training run: split, train, save, load the saved file back and evaluate it on the held-out
/// rows, so the report describes exactly the model Hub will load.
/// </summary>
public static class Training
{
    /// <summary>Trains the sentiment model; the split is stratified by source and label.</summary>
    public static MetricsReport Sentiment(
        IReadOnlyList<LabeledText> rows, int seed, double testFraction, string modelPath, double neutralBand,
        AfinnBaseline? afinn, string dataDescription)
    {
        var (train, test) = DataSplit.Stratified(rows, testFraction, seed, r => r.Source + "/" + r.Label);
        var ml = new MLContext(seed);
        SentimentModel.Save(ml, SentimentModel.Train(ml, train), modelPath);
        var classifier = SentimentClassifier.Load(modelPath, neutralBand);
        return Evaluator.Sentiment(classifier, test, afinn, Header(modelPath, dataDescription, seed, testFraction, train.Count));
    }

    /// <summary>Trains an intent model on any labelled rows; the split is stratified by label.</summary>
    public static MetricsReport Intent(
        IReadOnlyList<LabeledText> rows, int seed, double testFraction, string modelPath, double unknownThreshold,
        IReadOnlyList<string> outOfScope, string dataDescription)
    {
        var (train, test) = DataSplit.Stratified(rows, testFraction, seed);
        var ml = new MLContext(seed);
        IntentModel.Save(ml, IntentModel.Train(ml, train), modelPath);
        var classifier = IntentClassifier.Load(modelPath, unknownThreshold);
        return Evaluator.Intent(classifier, test, outOfScope, Header(modelPath, dataDescription, seed, testFraction, train.Count));
    }

    /// <summary>The committed out-of-scope messages (one a line, <c>#</c> comments) used to check the unknown threshold.</summary>
    public static IReadOnlyList<string> LoadOutOfScope(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "Intents", "out-of-scope.txt");
        if (!File.Exists(path)) return [];
        return File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    internal static MetricsReport Header(string model, string data, int? seed, double? testFraction, int trainCount) => new()
    {
        Kind = "",
        Model = Path.GetFileName(model),
        Data = data,
        Seed = seed,
        TestFraction = testFraction,
        TrainCount = trainCount,
        TestCount = 0,
        Metrics = ClassificationMetrics.Compute([], []),
    };
}
