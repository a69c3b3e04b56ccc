using Hub.Intelligence.Data;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Hub.Intelligence.Sentiment;

/// <summary>What the sentiment model reads at prediction time.</summary>
public sealed class SentimentInput
{
    public string Text { get; set; } = "";
}

/// <summary>A training row: the text and whether a person called it positive.</summary>
public sealed class SentimentTrainingRow
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>What the sentiment model answers.</summary>
public sealed class SentimentPrediction
{
    /// <summary>Calibrated probability that the text is positive.</summary>
    public float Probability { get; set; }
}

/// <summary>Training of the binary sentiment model: text features into an L2-regularised logistic regression.</summary>
public static class SentimentModel
{
    /// <summary>Trains on <paramref name="rows"/> (labels <c>positive</c>, <c>negative</c>, <c>neutral</c>). Single-threaded, so seeded runs repeat exactly.</summary>
    public static ITransformer Train(MLContext ml, IEnumerable<LabeledText> rows)
    {
        // A neutral row is learned once as positive and once as negative: the loss of that pair is smallest at
        // p = 0.5, so plain questions and requests are pulled to a score near 0, into the neutral band.
        var data = ml.Data.LoadFromEnumerable(rows.SelectMany(r => r.Label == SentimentCorpus.Neutral
            ? new[] { Row(r.Text, true), Row(r.Text, false) }
            : [Row(r.Text, r.Label == SentimentCorpus.Positive)]).ToList());

        var pipeline = TextFeatures.Featurize(ml, "Features", nameof(SentimentTrainingRow.Text), useCharGrams: true)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(SentimentTrainingRow.Label),
                FeatureColumnName = "Features",
                L2Regularization = 0.02f, // chosen on seed-7 and seed-11 splits, not on the reported one
                L1Regularization = 0f,
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(data);
    }

    private static SentimentTrainingRow Row(string text, bool positive) =>
        new() { Text = TextFeatures.Prepare(text), Label = positive };

    /// <summary>Saves the model with an input schema of just <c>Text</c>.</summary>
    public static void Save(MLContext ml, ITransformer model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<SentimentInput>()).Schema;
        ml.Model.Save(model, inputSchema, path);
    }
}
