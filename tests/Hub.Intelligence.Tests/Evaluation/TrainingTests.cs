using System.Text.Json;
using Hub.Intelligence.Data;
using Hub.Intelligence.Evaluation;
using Hub.Intelligence.Sentiment;

namespace Hub.Intelligence.Tests.Evaluation;

/// <summary>Small, fast training runs: the full ones only run through the CLI.</summary>
public sealed class TrainingTests
{
    /// <summary>A tiny support taxonomy the test writes itself, so these tests need no downloaded data.</summary>
    internal static IReadOnlyList<LabeledText> TinySupportSet()
    {
        string[] items = ["order", "parcel", "shoes", "laptop", "phone", "jacket", "headphones", "chair"];
        var templates = new Dictionary<string, string[]>
        {
            ["refund"] = ["I want a refund for my {0}", "please give me my money back for the {0}", "refund the {0} I returned"],
            ["shipping"] = ["where is my {0}", "my {0} has not arrived yet", "can you track the delivery of my {0}"],
            ["account_access"] = ["I cannot log in to see my {0}", "forgot my password, need to check my {0}", "my account is locked so I can't see the {0}"],
            ["praise"] = ["love the {0}, great job", "thanks, the {0} is perfect", "brilliant {0}, very happy with it"],
        };
        return [.. templates.SelectMany(t => t.Value.SelectMany(template => items.Select(i => new LabeledText(string.Format(template, i), t.Key))))];
    }

    [Fact]
    public void Intent_training_is_reproducible_with_the_same_seed()
    {
        var dir = TestData.TempDirectory();
        var rows = TinySupportSet();

        var first = Training.Intent(rows, seed: 7, 0.25, Path.Combine(dir, "a.zip"), 0.4, [], "tiny");
        var second = Training.Intent(rows, seed: 7, 0.25, Path.Combine(dir, "b.zip"), 0.4, [], "tiny");

        Assert.Equal(first.Metrics.Accuracy, second.Metrics.Accuracy);
        Assert.Equal(first.Metrics.MacroF1, second.Metrics.MacroF1);
        Assert.Equal(first.Metrics.Confusion, second.Metrics.Confusion);
        Assert.Equal(JsonSerializer.Serialize(first.Unknown), JsonSerializer.Serialize(second.Unknown));
        Assert.True(first.Metrics.Accuracy >= 0.9, $"tiny taxonomy accuracy {first.Metrics.Accuracy:F3}");
    }

    [Banking77Fact]
    public void Small_Banking77_model_is_reproducible_and_reaches_its_accuracy_floor()
    {
        Assert.True(TestData.Banking77Present, $"CI must have Banking77 at {TestData.Banking77Path}");
        var all = LabeledTextCsv.Load(TestData.Banking77Path);
        var labels = all.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).Take(15).ToHashSet();
        var subset = DataSplit.SamplePerLabel([.. all.Where(r => labels.Contains(r.Label))], perLabel: 60, seed: 3);
        var dir = TestData.TempDirectory();

        var first = Training.Intent(subset, seed: 11, 0.2, Path.Combine(dir, "a.zip"), 0.4, Training.LoadOutOfScope(), "subset");
        var second = Training.Intent(subset, seed: 11, 0.2, Path.Combine(dir, "b.zip"), 0.4, Training.LoadOutOfScope(), "subset");

        Assert.Equal(first.Metrics.Confusion, second.Metrics.Confusion);
        Assert.Equal(first.Metrics.MacroF1, second.Metrics.MacroF1);
        Assert.Equal(180, first.TestCount);
        Assert.True(first.Metrics.Accuracy >= 0.80, $"15-intent subset accuracy {first.Metrics.Accuracy:F3} < 0.80");
    }

    [SentimentDataFact]
    public void Sentiment_model_trained_on_a_subset_is_reproducible_and_beats_AFINN()
    {
        Assert.True(TestData.SentimentPresent, $"CI must fetch the sentiment data into {TestData.SentimentDirectory}");
        var rows = SentimentCorpus.Load(TestData.SentimentDirectory);
        var subset = DataSplit.SamplePerLabel(rows, perLabel: 700, seed: 5);
        var afinn = AfinnBaseline.TryLoad(TestData.SentimentDirectory);
        var dir = TestData.TempDirectory();

        var first = Training.Sentiment(subset, seed: 9, 0.25, Path.Combine(dir, "a.zip"), 0.3, afinn, "subset");
        var second = Training.Sentiment(subset, seed: 9, 0.25, Path.Combine(dir, "b.zip"), 0.3, afinn, "subset");

        Assert.Equal(first.Metrics.Confusion, second.Metrics.Confusion);
        Assert.Equal(first.PerSource, second.PerSource);
        Assert.True(first.Metrics.Accuracy >= 0.74, $"subset accuracy {first.Metrics.Accuracy:F3} < 0.74");
        Assert.True(first.Metrics.Accuracy > first.Baseline!.Accuracy,
            $"model {first.Metrics.Accuracy:F3} does not beat AFINN {first.Baseline.Accuracy:F3}");
    }
}
