using System.Globalization;
using System.Text.Json;
using Hub.Intelligence.Data;
using Hub.Intelligence.Evaluation;
using Hub.Intelligence.Intents;
using Hub.Intelligence.Sentiment;
using Microsoft.ML;

namespace Hub.Intelligence.Cli;

/// <summary>
/// <c>dotnet run --project server/Hub.Intelligence -- train sentiment|intent [options]</c> and
/// <c>… -- evaluate --model FILE --data FILE [options]</c>. Prints the metrics report and writes it as JSON and
/// Markdown beside the model (train) or where <c>--report</c> says (evaluate).
/// </summary>
public static class IntelligenceCli
{
    private const string Usage = """
        Hub.Intelligence — train and evaluate Hub's classifiers

          train sentiment [--data DIR] [--support CSV] [--extra CSV] [--out DIR] [--seed N] [--test-fraction F] [--neutral-band B]
              DIR defaults to .data/sentiment (run scripts/fetch-sentiment-data.sh first); CSV (text,label with
              negative/neutral/positive) defaults to Hub's own Sentiment/support-sentiment.csv.
          train intent [--data CSV] [--test CSV] [--extra CSV] [--out DIR] [--name NAME] [--seed N] [--test-fraction F] [--unknown-threshold T]
              CSV is any text,label file; defaults to ../shared/data/banking77/train.csv (Banking77). With --test the
              held-out rows are that file (a fixed split, e.g. Intents/SupportTaxonomy/test.csv), else a seeded split.
          --extra CSV: text,label rows added to training only (e.g. labels agents corrected), never to the test set.
          evaluate --model FILE --data FILE [--kind sentiment|intent] [--report BASEPATH]
                   [--neutral-band B] [--unknown-threshold T]
              FILE: a text,label CSV, a sentiment JSON file ([{"text","class"}]) or the sentiment data folder.

          classify --text TEXT [--sentiment-model FILE] [--intent-model FILE]
              Prints the sentiment and intent Hub would give TEXT (committed models by default).
          bench [--seconds S] [--threads N] [--sentiment-model FILE] [--intent-model FILE]
              Latency of one message (sentiment + intent) on one thread, then messages/s on N threads.

          Defaults: --out server/Hub.Intelligence/Models, --seed 42, --test-fraction 0.2, and the band and
          threshold of IntelligenceOptions. Relative data paths are resolved against the repository root.
        """;

    public static int Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["train", "sentiment", .. var rest] => TrainSentiment(Options.Parse(rest)),
                ["train", "intent", .. var rest] => TrainIntent(Options.Parse(rest)),
                ["evaluate", .. var rest] => Evaluate(Options.Parse(rest)),
                ["classify", .. var rest] => Classify(Options.Parse(rest)),
                ["bench", .. var rest] => Bench(Options.Parse(rest)),
                _ => Fail(Usage),
            };
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or FormatException)
        {
            return Fail(e.Message);
        }
    }

    private static int TrainSentiment(Options o)
    {
        var defaults = new IntelligenceOptions();
        var dataDir = IntelligencePaths.ResolveData(o.Get("data", defaults.SentimentDataPath));
        if (!SentimentCorpus.IsPresent(dataDir)) return Fail($"No sentiment data in {dataDir}: run scripts/fetch-sentiment-data.sh");
        var modelPath = Path.Combine(OutDir(o), "sentiment.zip");
        var afinn = AfinnBaseline.TryLoad(dataDir);
        var rows = SentimentCorpus.Load(dataDir);
        var support = SentimentCorpus.LoadSupport(o.Get("support", "") is { Length: > 0 } sp ? Path.GetFullPath(sp) : null);
        var extra = Extra(o, sentiment: true);
        var report = Training.Sentiment(
            rows, o.Int("seed", 42), o.Double("test-fraction", 0.2), modelPath, o.Double("neutral-band", defaults.NeutralBand), afinn,
            $"UCI Sentiment Labelled Sentences (sentiment@5.0.2 fixtures), {rows.Count} unique sentences, + {support.Count} Hub support messages"
            + (extra.Count > 0 ? $" and {extra.Count} extra rows" : "") + " for training",
            support, extra);
        if (afinn is not null)
        {
            // The published AFINN numbers are over each whole file, repeats included: recompute them that way.
            report = report with
            {
                BaselineFullCorpus = SentimentCorpus.Sources.Select(s =>
                {
                    var part = SentimentCorpus.LoadJson(Path.Combine(dataDir, "fixtures", s + ".json"), s);
                    return new SourceAccuracy(s, part.Count, null, part.Average(r => afinn.Classify(r.Text) == r.Label ? 1.0 : 0.0));
                }).ToList(),
            };
        }

        return Publish(report, Path.ChangeExtension(modelPath, null) + "-metrics");
    }

    private static int TrainIntent(Options o)
    {
        var defaults = new IntelligenceOptions();
        var csv = IntelligencePaths.ResolveData(o.Get("data", defaults.Banking77Path));
        if (!File.Exists(csv)) return Fail($"No intent data at {csv} (Banking77 is expected at ../shared/data/banking77/train.csv).");
        var rows = LabeledTextCsv.Load(csv);
        var modelPath = Path.Combine(OutDir(o), o.Get("name", "intent") + ".zip");
        var threshold = o.Double("unknown-threshold", defaults.UnknownThreshold);
        var extra = Extra(o, sentiment: false);
        var description = $"{Path.GetFileName(csv)}: {rows.Count} rows, {rows.Select(r => r.Label).Distinct().Count()} intents"
            + (extra.Count > 0 ? $", + {extra.Count} extra training rows" : "");
        var testFile = o.Get("test", "");
        var report = testFile.Length > 0
            ? Training.Intent([.. rows, .. extra], LabeledTextCsv.Load(Path.GetFullPath(testFile)), o.Int("seed", 42), null, modelPath, threshold,
                Training.LoadOutOfScope(), description + $"; fixed test set {Path.GetFileName(testFile)}")
            : Training.Intent(rows, o.Int("seed", 42), o.Double("test-fraction", 0.2), modelPath, threshold, Training.LoadOutOfScope(), description, extra);
        return Publish(report, Path.ChangeExtension(modelPath, null) + "-metrics");
    }

    private static int Evaluate(Options o)
    {
        var defaults = new IntelligenceOptions();
        var modelPath = o.Get("model", "") is { Length: > 0 } m ? Path.GetFullPath(m) : throw new ArgumentException("--model is required");
        var dataPath = o.Get("data", "") is { Length: > 0 } d ? Path.GetFullPath(d) : throw new ArgumentException("--data is required");
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"No model at {modelPath}");
        var kind = o.Get("kind", DetectKind(modelPath));
        var header = Training.Header(modelPath, dataPath, null, null, 0);

        MetricsReport report;
        if (kind == "sentiment")
        {
            var rows = Directory.Exists(dataPath) ? SentimentCorpus.Load(dataPath)
                : dataPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? SentimentCorpus.LoadJson(dataPath)
                : LabeledTextCsv.Load(dataPath).Select(r => r with { Label = SentimentLabelOf(r.Label) }).ToList();
            var afinn = AfinnBaseline.TryLoad(IntelligencePaths.ResolveData(defaults.SentimentDataPath));
            var classifier = SentimentClassifier.Load(modelPath, o.Double("neutral-band", defaults.NeutralBand));
            var neutral = rows.Where(r => r.Label == SentimentCorpus.Neutral).ToList();
            report = Evaluator.Sentiment(classifier, [.. rows.Except(neutral)], afinn, header);
            if (neutral.Count > 0)
            {
                // Rows labelled three ways: also score negative / neutral / positive as Hub reports them.
                report = report with { ThreeClassData = dataPath, ThreeClass = Evaluator.SentimentThreeClass(classifier, rows) };
            }
        }
        else
        {
            var rows = LabeledTextCsv.Load(dataPath);
            report = Evaluator.Intent(
                IntentClassifier.Load(modelPath, o.Double("unknown-threshold", defaults.UnknownThreshold)), rows, Training.LoadOutOfScope(), header);
        }

        var reportPath = o.Get("report", "");
        return Publish(report, reportPath.Length > 0 ? Path.GetFullPath(reportPath) : null);
    }

    private static (SentimentClassifier, IntentClassifier) LoadModels(Options o)
    {
        var defaults = new IntelligenceOptions();
        var sentiment = IntelligencePaths.ResolveModel(o.Get("sentiment-model", defaults.SentimentModelPath));
        var intent = IntelligencePaths.ResolveModel(o.Get("intent-model", defaults.IntentModelPath));
        return (SentimentClassifier.Load(sentiment, o.Double("neutral-band", defaults.NeutralBand)),
            IntentClassifier.Load(intent, o.Double("unknown-threshold", defaults.UnknownThreshold)));
    }

    private static int Classify(Options o)
    {
        var text = o.Get("text", "");
        var (sentiment, intent) = LoadModels(o);
        Console.WriteLine(JsonSerializer.Serialize(
            new { sentiment = sentiment.Classify(text), intent = intent.Classify(text) }, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static int Bench(Options o)
    {
        var (sentiment, intent) = LoadModels(o);
        var supportTest = Path.Combine(AppContext.BaseDirectory, "Intents", "SupportTaxonomy", "test.csv");
        IReadOnlyList<string> texts = [.. (File.Exists(supportTest) ? LabeledTextCsv.Load(supportTest) : []).Select(r => r.Text), .. Training.LoadOutOfScope()];
        if (texts.Count == 0) texts = ["I lost my card", "Thanks for the quick help"];
        var result = Benchmark.Run(sentiment, intent, texts, o.Int("threads", Environment.ProcessorCount), TimeSpan.FromSeconds(o.Double("seconds", 3)));
        var l = result.SingleThread;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one message, sentiment + intent, one thread ({l.Predictions} runs): mean {l.MeanMicroseconds:F1} µs, p50 {l.P50Microseconds:F1} µs, p99 {l.P99Microseconds:F1} µs"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Threads} threads: {result.MessagesPerSecond:F0} messages/s ({result.Messages} in total)"));
        return 0;
    }

    private static int Publish(MetricsReport report, string? basePath)
    {
        Console.WriteLine(ReportWriter.ToMarkdown(report));
        if (basePath is not null)
        {
            ReportWriter.Write(report, basePath);
            Console.WriteLine($"Report written to {basePath}.json and {basePath}.md");
        }

        return 0;
    }

    private static string DetectKind(string modelPath)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(modelPath, out var inputSchema);
        return model.GetOutputSchema(inputSchema)["Score"].Type is Microsoft.ML.Data.VectorDataViewType ? "intent" : "sentiment";
    }

    /// <summary>The <c>--extra</c> CSV: rows only added to training, such as labels agents corrected in the dashboard.</summary>
    private static IReadOnlyList<LabeledText> Extra(Options o, bool sentiment)
    {
        var path = o.Get("extra", "");
        if (path.Length == 0) return [];
        var rows = LabeledTextCsv.Load(Path.GetFullPath(path));
        return sentiment ? [.. rows.Select(r => r with { Label = SentimentLabelOf(r.Label), Source = "extra" })] : rows;
    }

    private static string SentimentLabelOf(string label) => label.Trim().ToLowerInvariant() switch
    {
        "1" or "positive" or "pos" => SentimentCorpus.Positive,
        "0" or "negative" or "neg" => SentimentCorpus.Negative,
        "neutral" => SentimentCorpus.Neutral,
        _ => throw new FormatException($"Sentiment label '{label}' is not 0/1 or negative/positive."),
    };

    private static string OutDir(Options o)
    {
        var given = o.Get("out", "");
        if (given.Length > 0) return Path.GetFullPath(given);
        var root = IntelligencePaths.FindRepositoryRoot();
        return root is null ? Path.GetFullPath("Models") : Path.Combine(root, "server", "Hub.Intelligence", "Models");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                    throw new ArgumentException($"Unexpected argument '{args[i]}'.\n\n{Usage}");
                values[args[i][2..]] = args[++i];
            }

            return new Options(values);
        }

        public string Get(string key, string fallback) => values.GetValueOrDefault(key, fallback);

        public int Int(string key, int fallback) =>
            values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public double Double(string key, double fallback) =>
            values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }
}
