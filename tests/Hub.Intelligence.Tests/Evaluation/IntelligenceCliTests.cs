using System.Text.Json;
using Hub.Intelligence.Cli;
using Hub.Intelligence.Evaluation;

namespace Hub.Intelligence.Tests.Evaluation;

public sealed class IntelligenceCliTests
{
    [Fact]
    public void Train_then_evaluate_on_a_text_label_csv_writes_the_metrics_report()
    {
        var dir = TestData.TempDirectory();
        var csv = Path.Combine(dir, "support.csv");
        File.WriteAllLines(csv, ["text,label", .. TrainingTests.TinySupportSet().Select(r => $"\"{r.Text}\",{r.Label}")]);

        var trained = IntelligenceCli.Main(["train", "intent", "--data", csv, "--out", dir, "--name", "support", "--seed", "3"]);
        var evaluated = IntelligenceCli.Main(
            ["evaluate", "--model", Path.Combine(dir, "support.zip"), "--data", csv, "--report", Path.Combine(dir, "eval")]);

        Assert.Equal(0, trained);
        Assert.Equal(0, evaluated);
        Assert.True(File.Exists(Path.Combine(dir, "support-metrics.md")));
        var report = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(Path.Combine(dir, "eval.json")))!;
        Assert.Equal("intent", report.Kind);
        Assert.Equal(96, report.TestCount);
        Assert.Equal(4, report.Metrics.PerClass.Count);
        Assert.Equal(4, report.Metrics.Confusion.Length);
        Assert.Contains("Confusion matrix", File.ReadAllText(Path.Combine(dir, "eval.md")));
    }

    [Fact]
    public void Evaluate_detects_a_sentiment_model_and_reads_0_1_labels()
    {
        var dir = TestData.TempDirectory();
        var csv = Path.Combine(dir, "mine.csv");
        File.WriteAllLines(csv, ["text,label", "\"Awful, broken and late\",0", "Great product, thank you,1".Replace("you,1", "you\",1").Insert(0, "\"")]);

        var code = IntelligenceCli.Main(
            ["evaluate", "--model", TestData.ModelPath("sentiment.zip"), "--data", csv, "--report", Path.Combine(dir, "r")]);

        Assert.Equal(0, code);
        var report = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(Path.Combine(dir, "r.json")))!;
        Assert.Equal("sentiment", report.Kind);
        Assert.Equal(1.0, report.Metrics.Accuracy);
    }

    [Fact]
    public void Corrected_labels_passed_as_extra_rows_are_learned_but_never_scored()
    {
        var dir = TestData.TempDirectory();
        var csv = Path.Combine(dir, "support.csv");
        var corrections = Path.Combine(dir, "corrections.csv");
        File.WriteAllLines(csv, ["text,label", .. TrainingTests.TinySupportSet().Select(r => $"\"{r.Text}\",{r.Label}")]);
        File.WriteAllLines(corrections, ["text,label", .. Enumerable.Range(0, 12).Select(i => $"do you have gift vouchers for {i} people,sales_inquiry")]);

        var code = IntelligenceCli.Main(["train", "intent", "--data", csv, "--extra", corrections, "--out", dir, "--name", "m"]);

        Assert.Equal(0, code);
        var report = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(Path.Combine(dir, "m-metrics.json")))!;
        Assert.DoesNotContain("sales_inquiry", report.Metrics.Labels);
        var model = Hub.Intelligence.Intents.IntentClassifier.Load(Path.Combine(dir, "m.zip"), 0.3);
        Assert.Contains("sales_inquiry", model.Intents);
        Assert.Equal("sales_inquiry", model.Classify("do you have gift vouchers").Intent);
    }

    [Fact]
    public void Benchmark_hook_measures_latency_and_parallel_throughput()
    {
        var result = Benchmark.Run(TestData.CommittedSentiment, TestData.CommittedIntent, ["I lost my card", "Thanks!"], 2, TimeSpan.FromMilliseconds(200));

        Assert.True(result.Messages > 0);
        Assert.True(result.SingleThread.Predictions > 0);
    }

    [Fact]
    public void Missing_training_data_is_a_clear_error_not_a_crash()
    {
        var code = IntelligenceCli.Main(["train", "intent", "--data", "/nonexistent/train.csv", "--out", TestData.TempDirectory()]);

        Assert.Equal(2, code);
    }
}
