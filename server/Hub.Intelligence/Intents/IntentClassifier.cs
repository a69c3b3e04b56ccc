using Hub.Core.Intelligence;
using Hub.Intelligence.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Hub.Intelligence.Intents;

/// <summary>
/// Runs the trained intent model: the most probable intent, or <see cref="IntentResult.UnknownIntent"/> when its
/// probability is below the unknown threshold, so out-of-scope messages are not forced into a wrong intent.
/// Thread-safe.
/// </summary>
public sealed class IntentClassifier : IIntentClassifier
{
    private readonly PooledPredictor<IntentInput, IntentPrediction> _predictor;
    private readonly string[] _intents;

    /// <summary>Wraps a trained model; <paramref name="unknownThreshold"/> is in [0, 1].</summary>
    public IntentClassifier(MLContext ml, ITransformer model, double unknownThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unknownThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(unknownThreshold, 1);
        UnknownThreshold = unknownThreshold;
        _predictor = new PooledPredictor<IntentInput, IntentPrediction>(ml, model);
        _intents = ReadIntentNames(ml, model);
    }

    /// <summary>Best-intent probabilities below this are reported as unknown.</summary>
    public double UnknownThreshold { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Intents => _intents;

    /// <summary>Loads a model saved by <see cref="IntentModel.Save"/>.</summary>
    public static IntentClassifier Load(string path, double unknownThreshold)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(path, out _);
        return new IntentClassifier(ml, model, unknownThreshold);
    }

    /// <summary>The most probable intent and its probability, without the unknown threshold applied.</summary>
    public (string Intent, double Probability) Best(string text)
    {
        var scores = _predictor.Predict(new IntentInput { Text = TextFeatures.Prepare(text) }).Score;
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best]) best = i;
        }

        return (_intents[best], float.IsNaN(scores[best]) ? 0 : scores[best]);
    }

    /// <inheritdoc />
    public IntentResult Classify(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return IntentResult.Empty;
        var (intent, probability) = Best(text);
        return probability < UnknownThreshold
            ? new IntentResult(IntentResult.UnknownIntent, probability, IsUnknown: true) { BestGuess = intent }
            : new IntentResult(intent, probability, IsUnknown: false) { BestGuess = intent };
    }

    private static string[] ReadIntentNames(MLContext ml, ITransformer model)
    {
        var inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<IntentInput>()).Schema;
        var score = model.GetOutputSchema(inputSchema)["Score"];
        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        var intents = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (intents.Length == 0) throw new InvalidOperationException("The intent model carries no intent names.");
        return intents;
    }
}
