using Hub.Core.Intelligence;
using Hub.Intelligence.Prediction;
using Microsoft.ML;

namespace Hub.Intelligence.Sentiment;

/// <summary>
/// Runs the trained sentiment model: the positive probability p becomes the score 2p - 1 in [-1, 1], and a
/// score inside the neutral band (|score| &lt; band) is reported as neutral, because the training data has no
/// neutral class. Thread-safe.
/// </summary>
public sealed class SentimentClassifier : ISentimentClassifier
{
    private readonly PooledPredictor<SentimentInput, SentimentPrediction> _predictor;

    /// <summary>Wraps a trained model; <paramref name="neutralBand"/> is in [0, 1).</summary>
    public SentimentClassifier(MLContext ml, ITransformer model, double neutralBand)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(neutralBand);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(neutralBand, 1);
        NeutralBand = neutralBand;
        _predictor = new PooledPredictor<SentimentInput, SentimentPrediction>(ml, model);
    }

    /// <summary>Scores with |score| below this are neutral.</summary>
    public double NeutralBand { get; }

    /// <summary>Loads a model saved by <see cref="SentimentModel.Save"/>.</summary>
    public static SentimentClassifier Load(string path, double neutralBand)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(path, out _);
        return new SentimentClassifier(ml, model, neutralBand);
    }

    /// <summary>The score in [-1, 1] without the neutral band applied; 0 for empty text.</summary>
    public double Score(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        var p = _predictor.Predict(new SentimentInput { Text = TextFeatures.Prepare(text) }).Probability;
        return float.IsNaN(p) ? 0 : Math.Clamp(2.0 * p - 1.0, -1.0, 1.0);
    }

    /// <inheritdoc />
    public SentimentResult Classify(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return SentimentResult.Empty;
        var score = Score(text);
        var positiveProbability = (score + 1) / 2;
        if (Math.Abs(score) < NeutralBand) return new SentimentResult(score, SentimentLabel.Neutral, 1 - Math.Abs(score));
        return score > 0
            ? new SentimentResult(score, SentimentLabel.Positive, positiveProbability)
            : new SentimentResult(score, SentimentLabel.Negative, 1 - positiveProbability);
    }
}
