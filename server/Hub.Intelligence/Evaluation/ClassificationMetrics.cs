namespace Hub.Intelligence.Evaluation;

/// <summary>Precision, recall and F1 of one class on a held-out set.</summary>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// What a held-out set says about a classifier: accuracy, macro-F1 (every class weighs the same, so a model
/// cannot hide a class it never predicts), per-class precision and recall, and the confusion matrix
/// (<c>Confusion[actual][predicted]</c>, in the order of <see cref="Labels"/>).
/// </summary>
public sealed record ClassificationMetrics(
    int Count,
    double Accuracy,
    double MacroF1,
    IReadOnlyList<string> Labels,
    IReadOnlyList<ClassMetrics> PerClass,
    int[][] Confusion)
{
    /// <summary>
    /// Computes the metrics of <paramref name="predicted"/> against <paramref name="actual"/>. Labels are the
    /// union of both, in ordinal order; a predicted label no row has (such as <c>unknown</c>) gets a column.
    /// </summary>
    public static ClassificationMetrics Compute(IReadOnlyList<string> actual, IReadOnlyList<string> predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(predicted.Count, actual.Count);
        var labels = actual.Concat(predicted).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var confusion = labels.Select(_ => new int[labels.Length]).ToArray();
        var correct = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            confusion[index[actual[i]]][index[predicted[i]]]++;
            if (actual[i] == predicted[i]) correct++;
        }

        var perClass = new List<ClassMetrics>();
        for (var c = 0; c < labels.Length; c++)
        {
            var support = confusion[c].Sum();
            var predictedAs = confusion.Sum(row => row[c]);
            if (support == 0) continue; // a label only ever predicted (e.g. "unknown") is not a class to average
            var tp = confusion[c][c];
            var precision = predictedAs == 0 ? 0 : (double)tp / predictedAs;
            var recall = (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labels[c], precision, recall, f1, support));
        }

        return new ClassificationMetrics(
            actual.Count,
            actual.Count == 0 ? 0 : (double)correct / actual.Count,
            perClass.Count == 0 ? 0 : perClass.Average(m => m.F1),
            labels,
            perClass,
            confusion);
    }

    /// <summary>The most frequent (actual, predicted) mistakes, largest first.</summary>
    public IEnumerable<(string Actual, string Predicted, int Count)> TopConfusions(int take)
    {
        var pairs = new List<(string, string, int)>();
        for (var a = 0; a < Labels.Count; a++)
        {
            for (var p = 0; p < Labels.Count; p++)
            {
                if (a != p && Confusion[a][p] > 0) pairs.Add((Labels[a], Labels[p], Confusion[a][p]));
            }
        }

        return pairs.OrderByDescending(x => x.Item3).ThenBy(x => x.Item1, StringComparer.Ordinal).Take(take);
    }
}
