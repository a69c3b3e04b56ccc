using System.Text.Json;
using Hub.Core.Intelligence;
using Hub.Intelligence.Data;
using Hub.Intelligence.Evaluation;
using Hub.Intelligence.Sentiment;

namespace Hub.Intelligence.Tests.Sentiment;

public sealed class SentimentClassifierTests
{
    [Theory]
    [InlineData("This is the worst service I have ever had. I am furious, nothing works and nobody answers!")]
    [InlineData("Terrible. The product broke after two days and your support is useless.")]
    [InlineData("I'm very disappointed, this is a waste of money and a complete waste of my time.")]
    [InlineData("I am furious that my delivery is late again")]
    [InlineData("I'm really angry, you charged me three times")]
    public void Clearly_angry_message_is_negative(string text)
    {
        var result = TestData.CommittedSentiment.Classify(text);

        Assert.Equal(SentimentLabel.Negative, result.Label);
        Assert.Equal("negative", result.LabelName);
        Assert.InRange(result.Score, -1.0, -0.3);
        Assert.InRange(result.Confidence, 0.65, 1.0);
    }

    [Theory]
    [InlineData("Thank you so much, you were really helpful and the problem is fixed. Great service!")]
    [InlineData("Excellent support, I love it. Thanks a lot!")]
    [InlineData("Wonderful experience, the team was friendly and fast.")]
    [InlineData("Thanks, that fixed it. Really appreciate your help")]
    public void Thankful_message_is_positive(string text)
    {
        var result = TestData.CommittedSentiment.Classify(text);

        Assert.Equal(SentimentLabel.Positive, result.Label);
        Assert.InRange(result.Score, 0.3, 1.0);
        Assert.InRange(result.Confidence, 0.65, 1.0);
    }

    [Theory]
    [InlineData("What are your prices?")]
    [InlineData("I lost my card")]
    public void Plain_question_falls_in_the_neutral_band(string text)
    {
        var result = TestData.CommittedSentiment.Classify(text);

        Assert.Equal(SentimentLabel.Neutral, result.Label);
        Assert.InRange(Math.Abs(result.Score), 0, TestData.CommittedSentiment.NeutralBand);
    }

    [Fact]
    public void Label_is_written_to_JSON_as_a_lowercase_word()
    {
        var json = JsonSerializer.Serialize(new SentimentResult(-0.8, SentimentLabel.Negative, 0.9));

        Assert.Contains("\"Label\":\"negative\"", json);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_message_is_neutral_with_no_confidence(string text)
    {
        Assert.Equal(SentimentResult.Empty, TestData.CommittedSentiment.Classify(text));
    }

    [Fact]
    public void Score_inside_the_neutral_band_is_reported_neutral_and_outside_keeps_its_polarity()
    {
        var wide = SentimentClassifier.Load(TestData.ModelPath("sentiment.zip"), neutralBand: 0.95);
        var none = SentimentClassifier.Load(TestData.ModelPath("sentiment.zip"), neutralBand: 0);
        const string mild = "The order arrived on Tuesday.";

        var inBand = wide.Classify(mild);
        var noBand = none.Classify(mild);

        Assert.Equal(SentimentLabel.Neutral, inBand.Label);
        Assert.Equal(noBand.Score, inBand.Score, 9);
        Assert.NotEqual(SentimentLabel.Neutral, noBand.Label);
        Assert.Equal(1 - Math.Abs(inBand.Score), inBand.Confidence, 9);
    }

    [Fact]
    public void Very_long_message_is_scored_quickly_from_its_beginning()
    {
        var text = string.Concat(Enumerable.Repeat("Awful, terrible and useless, I hate it. ", 2000));

        var result = TestData.CommittedSentiment.Classify(text);

        Assert.Equal(SentimentLabel.Negative, result.Label);
    }

    [SentimentDataFact]
    public void Committed_model_reproduces_its_reported_held_out_accuracy_and_beats_AFINN()
    {
        Assert.True(TestData.SentimentPresent, $"CI must fetch the sentiment data into {TestData.SentimentDirectory}");
        var reported = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(TestData.ModelPath("sentiment-metrics.json")))!;
        var rows = SentimentCorpus.Load(TestData.SentimentDirectory);
        var (_, test) = DataSplit.Stratified(rows, reported.TestFraction!.Value, reported.Seed!.Value, r => r.Source + "/" + r.Label);

        var report = Evaluator.Sentiment(
            TestData.CommittedSentiment, test, AfinnBaseline.TryLoad(TestData.SentimentDirectory), reported);

        Assert.Equal(reported.TestCount, report.TestCount);
        Assert.Equal(reported.Metrics.Accuracy, report.Metrics.Accuracy, 9);
        Assert.True(report.Metrics.Accuracy >= 0.80, $"held-out accuracy {report.Metrics.Accuracy:F3} < 0.80");
        Assert.True(report.Metrics.MacroF1 >= 0.80, $"held-out macro-F1 {report.Metrics.MacroF1:F3} < 0.80");
        Assert.NotNull(report.Baseline);
        Assert.True(report.Metrics.Accuracy > report.Baseline.Accuracy + 0.03,
            $"model {report.Metrics.Accuracy:F3} does not beat AFINN {report.Baseline.Accuracy:F3} on the same rows");
        Assert.Equal(["amazon", "imdb", "yelp"], report.PerSource!.Select(p => p.Source));
        Assert.All(report.PerSource!, p => Assert.True(p.ModelAccuracy >= 0.75, $"{p.Source}: {p.ModelAccuracy:F3}"));
    }

    [SentimentDataFact]
    public void AFINN_port_matches_the_published_baseline_on_each_whole_source()
    {
        Assert.True(TestData.SentimentPresent, $"CI must fetch the sentiment data into {TestData.SentimentDirectory}");
        var afinn = AfinnBaseline.TryLoad(TestData.SentimentDirectory)!;
        var published = new Dictionary<string, double> { ["amazon"] = 0.726, ["imdb"] = 0.765, ["yelp"] = 0.696 };

        foreach (var (source, expected) in published)
        {
            var rows = SentimentCorpus.LoadJson(Path.Combine(TestData.SentimentDirectory, "fixtures", source + ".json"));
            var accuracy = rows.Average(r => afinn.Classify(r.Text) == r.Label ? 1.0 : 0.0);
            Assert.Equal(expected, accuracy, 3);
        }
    }
}
