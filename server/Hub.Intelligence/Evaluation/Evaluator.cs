using System.Diagnostics;
using Hub.Intelligence.Data;
using Hub.Intelligence.Intents;
using Hub.Intelligence.Sentiment;

namespace Hub.Intelligence.Evaluation;

/// <summary>Scores a loaded classifier on labelled rows.</summary>
public static class Evaluator
{
    /// <summary>
    /// Sentiment on binary rows: the polarity of the score (no band) against the label, the neutral band's
    /// effect, per-source accuracy, and the AFINN baseline on the same rows when it is available.
    /// </summary>
    public static MetricsReport Sentiment(
        SentimentClassifier classifier, IReadOnlyList<LabeledText> test, AfinnBaseline? afinn, MetricsReport header)
    {
        var scores = test.Select(r => classifier.Score(r.Text)).ToArray();
        var predicted = scores.Select(s => s >= 0 ? SentimentCorpus.Positive : SentimentCorpus.Negative).ToArray();
        var actual = test.Select(r => r.Label).ToArray();
        var baseline = afinn is null ? null : test.Select(r => afinn.Classify(r.Text)).ToArray();

        var polar = Enumerable.Range(0, test.Count).Where(i => Math.Abs(scores[i]) >= classifier.NeutralBand).ToArray();
        var perSource = test.Select((r, i) => (r.Source, i)).GroupBy(x => x.Source)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SourceAccuracy(
                g.Key,
                g.Count(),
                g.Average(x => predicted[x.i] == actual[x.i] ? 1.0 : 0.0),
                baseline is null ? null : g.Average(x => baseline[x.i] == actual[x.i] ? 1.0 : 0.0)))
            .ToList();

        return header with
        {
            Kind = "sentiment",
            TestCount = test.Count,
            Metrics = ClassificationMetrics.Compute(actual, predicted),
            BaselineName = baseline is null ? null : "AFINN-165 (sentiment@5.0.2, comparative < 0 is negative)",
            Baseline = baseline is null ? null : ClassificationMetrics.Compute(actual, baseline),
            PerSource = perSource,
            NeutralBand = new NeutralBandReport(
                classifier.NeutralBand,
                test.Count == 0 ? 0 : 1 - (double)polar.Length / test.Count,
                polar.Length == 0 ? 0 : polar.Average(i => predicted[i] == actual[i] ? 1.0 : 0.0)),
            Latency = MeasureLatency(test.Select(r => r.Text).ToArray(), t => classifier.Classify(t)),
        };
    }

    /// <summary>Negative / neutral / positive as Hub reports them (neutral band applied) against three-way labels.</summary>
    public static ClassificationMetrics SentimentThreeClass(SentimentClassifier classifier, IReadOnlyList<LabeledText> rows) =>
        ClassificationMetrics.Compute(
            rows.Select(r => r.Label).ToArray(),
            rows.Select(r => classifier.Classify(r.Text).LabelName).ToArray());

    /// <summary>
    /// Intents: the best intent against the label, then the unknown threshold's effect on these rows and on
    /// <paramref name="outOfScope"/> messages (which should all come back unknown).
    /// </summary>
    public static MetricsReport Intent(
        IntentClassifier classifier, IReadOnlyList<LabeledText> test, IReadOnlyList<string> outOfScope, MetricsReport header)
    {
        var best = test.Select(r => classifier.Best(r.Text)).ToArray();
        var actual = test.Select(r => r.Label).ToArray();
        var outOfScopeBest = outOfScope.Select(t => string.IsNullOrWhiteSpace(t) ? 0 : classifier.Best(t).Probability).ToArray();

        UnknownThresholdReport At(double threshold)
        {
            var answered = Enumerable.Range(0, test.Count).Where(i => best[i].Probability >= threshold).ToArray();
            return new UnknownThresholdReport(
                threshold,
                test.Count == 0 ? 0 : (double)answered.Length / test.Count,
                answered.Length == 0 ? 0 : answered.Average(i => best[i].Intent == actual[i] ? 1.0 : 0.0),
                test.Count == 0 ? 0 : (double)answered.Count(i => best[i].Intent == actual[i]) / test.Count,
                outOfScope.Count,
                outOfScope.Count == 0 ? null : outOfScopeBest.Average(p => p < threshold ? 1.0 : 0.0));
        }

        return header with
        {
            Kind = "intent",
            TestCount = test.Count,
            Metrics = ClassificationMetrics.Compute(actual, best.Select(b => b.Intent).ToArray()),
            Unknown = At(classifier.UnknownThreshold) with
            {
                Sweep = [.. new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7 }.Select(At)],
            },
            Latency = MeasureLatency(test.Select(r => r.Text).ToArray(), t => classifier.Classify(t)),
        };
    }

    /// <summary>Per-message latency of <paramref name="predict"/> on one thread, after a warm-up pass.</summary>
    public static LatencyReport MeasureLatency(IReadOnlyList<string> texts, Func<string, object> predict)
    {
        if (texts.Count == 0) return new LatencyReport(0, 0, 0, 0);
        var passes = Math.Max(1, 2000 / texts.Count);
        foreach (var t in texts.Take(200)) predict(t);
        var micros = new List<double>(texts.Count * passes);
        for (var p = 0; p < passes; p++)
        {
            foreach (var t in texts)
            {
                var start = Stopwatch.GetTimestamp();
                predict(t);
                micros.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        micros.Sort();
        return new LatencyReport(
            micros.Count, micros.Average(), micros[micros.Count / 2], micros[Math.Min(micros.Count - 1, (int)(micros.Count * 0.99))]);
    }
}
