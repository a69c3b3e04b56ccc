using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hub.Intelligence.Evaluation;

/// <summary>Writes a <see cref="MetricsReport"/> as indented JSON (everything) and Markdown (for people).</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The full matrix is printed up to this many classes; above it, the most frequent confusions.</summary>
    private const int MaxMatrixClasses = 12;

    public static string ToJson(MetricsReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>Writes <c>{basePath}.json</c> and <c>{basePath}.md</c>.</summary>
    public static void Write(MetricsReport report, string basePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(basePath))!);
        File.WriteAllText(basePath + ".json", ToJson(report) + "\n");
        File.WriteAllText(basePath + ".md", ToMarkdown(report));
    }

    public static string ToMarkdown(MetricsReport r)
    {
        var s = new StringBuilder();
        s.AppendLine(Inv($"# {r.Kind} model — metrics"));
        s.AppendLine();
        s.AppendLine(Inv($"- model: `{r.Model}`"));
        s.AppendLine(Inv($"- data: {r.Data}"));
        if (r.TestFraction is not null) s.AppendLine(Inv($"- split: seed {r.Seed}, {r.TestFraction:P0} held out, stratified"));
        else if (r.Seed is not null) s.AppendLine(Inv($"- split: fixed test file; training seed {r.Seed}"));
        s.AppendLine(Inv($"- rows: {r.TrainCount} train, {r.TestCount} held out"));
        s.AppendLine();
        s.AppendLine("| | accuracy | macro-F1 |");
        s.AppendLine("|---|---:|---:|");
        s.AppendLine(Inv($"| **model** | **{r.Metrics.Accuracy:F3}** | **{r.Metrics.MacroF1:F3}** |"));
        if (r.Baseline is not null) s.AppendLine(Inv($"| {r.BaselineName} | {r.Baseline.Accuracy:F3} | {r.Baseline.MacroF1:F3} |"));
        s.AppendLine();

        if (r.PerSource is { Count: > 0 })
        {
            s.AppendLine("Held-out accuracy per source:");
            s.AppendLine();
            s.AppendLine("| source | rows | model | baseline (same rows) | baseline (whole source) |");
            s.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var p in r.PerSource)
            {
                var full = r.BaselineFullCorpus?.FirstOrDefault(b => b.Source == p.Source)?.BaselineAccuracy;
                s.AppendLine(Inv($"| {p.Source} | {p.Count} | {Num(p.ModelAccuracy)} | {Num(p.BaselineAccuracy)} | {Num(full)} |"));
            }

            s.AppendLine();
        }

        if (r.NeutralBand is { } band)
        {
            s.AppendLine(Inv($"Neutral band |score| < {band.Band:F2}: {band.NeutralFraction:P1} of held-out rows are neutral; accuracy on the rest {band.PolarAccuracy:F3}."));
            s.AppendLine();
        }

        if (r.ThreeClass is { } three)
        {
            s.AppendLine(Inv($"Three-way, as Hub reports it (neutral band applied), on {r.ThreeClassData}: accuracy {three.Accuracy:F3}, macro-F1 {three.MacroF1:F3}."));
            s.AppendLine();
            AppendConfusion(s, three);
        }

        if (r.Unknown is { } u)
        {
            s.AppendLine(Inv($"Unknown threshold {u.Threshold:F2}: {u.AnsweredFraction:P1} of held-out rows get an intent, accuracy on those {u.AnsweredAccuracy:F3} (overall, counting unknown as wrong: {u.AccuracyWithUnknownAsWrong:F3}); out-of-scope messages answered unknown: {Num(u.OutOfScopeUnknownRate)} of {u.OutOfScopeCount}."));
            s.AppendLine();
            if (u.Sweep.Count > 0)
            {
                s.AppendLine("| threshold | held-out rows answered | accuracy when answered | accuracy, unknown = wrong | out-of-scope → unknown |");
                s.AppendLine("|---:|---:|---:|---:|---:|");
                foreach (var t in u.Sweep)
                {
                    s.AppendLine(Inv($"| {t.Threshold:F2} | {t.AnsweredFraction:P1} | {t.AnsweredAccuracy:F3} | {t.AccuracyWithUnknownAsWrong:F3} | {Num(t.OutOfScopeUnknownRate)} |"));
                }

                s.AppendLine();
            }
        }

        if (r.Latency is { Predictions: > 0 } l)
        {
            s.AppendLine(Inv($"Latency, one thread, {l.Predictions} predictions: mean {l.MeanMicroseconds:F1} µs, p50 {l.P50Microseconds:F1} µs, p99 {l.P99Microseconds:F1} µs."));
            s.AppendLine();
        }

        s.AppendLine("Per class:");
        s.AppendLine();
        s.AppendLine("| class | precision | recall | F1 | support |");
        s.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in r.Metrics.PerClass)
        {
            s.AppendLine(Inv($"| {c.Label} | {c.Precision:F3} | {c.Recall:F3} | {c.F1:F3} | {c.Support} |"));
        }

        s.AppendLine();
        AppendConfusion(s, r.Metrics);
        return s.ToString();
    }

    private static void AppendConfusion(StringBuilder s, ClassificationMetrics m)
    {
        if (m.Labels.Count <= MaxMatrixClasses)
        {
            s.AppendLine("Confusion matrix (rows: actual, columns: predicted):");
            s.AppendLine();
            s.AppendLine("| actual \\ predicted | " + string.Join(" | ", m.Labels) + " |");
            s.AppendLine("|---|" + string.Concat(m.Labels.Select(_ => "---:|")));
            for (var a = 0; a < m.Labels.Count; a++)
            {
                s.AppendLine(Inv($"| {m.Labels[a]} | ") + string.Join(" | ", m.Confusion[a]) + " |");
            }
        }
        else
        {
            s.AppendLine(Inv($"Confusion matrix: {m.Labels.Count} classes, full matrix in the JSON report (`Confusion[actual][predicted]`). Most frequent confusions:"));
            s.AppendLine();
            s.AppendLine("| actual | predicted as | count |");
            s.AppendLine("|---|---|---:|");
            foreach (var (actual, predicted, count) in m.TopConfusions(15))
            {
                s.AppendLine(Inv($"| {actual} | {predicted} | {count} |"));
            }
        }

        s.AppendLine();
    }

    private static string Num(double? value) => value is null ? "–" : value.Value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
