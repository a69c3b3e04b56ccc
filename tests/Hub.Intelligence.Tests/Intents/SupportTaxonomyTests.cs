using System.Text.Json;
using Hub.Intelligence.Data;
using Hub.Intelligence.Evaluation;
using Hub.Intelligence.Intents;

namespace Hub.Intelligence.Tests.Intents;

/// <summary>Hub's own default support taxonomy: 12 intents, 60 team-written utterances each, fixed 48/12 split.</summary>
public sealed class SupportTaxonomyTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Intents", "SupportTaxonomy");

    private static readonly Lazy<IntentClassifier> Committed = new(() =>
        IntentClassifier.Load(TestData.ModelPath("support-intent.zip"), 0.6));

    [Fact]
    public void Taxonomy_has_at_least_12_intents_with_60_utterances_each_and_no_text_on_both_sides()
    {
        var train = LabeledTextCsv.Load(Path.Combine(Folder, "train.csv"));
        var test = LabeledTextCsv.Load(Path.Combine(Folder, "test.csv"));

        var perIntent = train.Concat(test).GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(perIntent.Count >= 12);
        Assert.All(perIntent, p => Assert.True(p.Value >= 60, $"{p.Key}: {p.Value}"));
        Assert.Empty(train.Select(r => r.Text.ToLowerInvariant()).Intersect(test.Select(r => r.Text.ToLowerInvariant())));
    }

    [Fact]
    public void Committed_support_model_reproduces_its_reported_accuracy_on_the_fixed_test_set()
    {
        var reported = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(TestData.ModelPath("support-intent-metrics.json")))!;
        var test = LabeledTextCsv.Load(Path.Combine(Folder, "test.csv"));

        var report = Evaluator.Intent(Committed.Value, test, [], reported);

        Assert.Equal(reported.Metrics.Accuracy, report.Metrics.Accuracy, 9);
        Assert.True(report.Metrics.Accuracy >= 0.8, $"support taxonomy accuracy {report.Metrics.Accuracy:F3} < 0.8");
        Assert.True(report.Metrics.MacroF1 >= 0.8, $"support taxonomy macro-F1 {report.Metrics.MacroF1:F3} < 0.8");
    }

    [Theory]
    [InlineData("Why was I charged twice on this month's invoice?", "billing")]
    [InlineData("I want my money back for the broken kettle", "refund")]
    [InlineData("My parcel still hasn't been delivered", "order_status")]
    [InlineData("Please let me talk to a real person", "human_agent")]
    [InlineData("Stop emailing me your offers", "unsubscribe")]
    [InlineData("I forgot my password and can't sign in", "account_access")]
    public void Support_messages_get_the_intent_that_routes_them(string text, string intent)
    {
        var result = Committed.Value.Classify(text);

        Assert.Equal(intent, result.Intent);
    }

    [Fact]
    public void Training_on_the_committed_set_is_reproducible_and_reaches_its_floor()
    {
        var train = LabeledTextCsv.Load(Path.Combine(Folder, "train.csv"));
        var test = LabeledTextCsv.Load(Path.Combine(Folder, "test.csv"));
        var dir = TestData.TempDirectory();

        var first = Training.Intent(train, test, seed: 42, null, Path.Combine(dir, "a.zip"), 0.6, [], "support");
        var second = Training.Intent(train, test, seed: 42, null, Path.Combine(dir, "b.zip"), 0.6, [], "support");

        Assert.Equal(first.Metrics.Confusion, second.Metrics.Confusion);
        Assert.True(first.Metrics.Accuracy >= 0.8, $"accuracy {first.Metrics.Accuracy:F3} < 0.8");
    }
}
