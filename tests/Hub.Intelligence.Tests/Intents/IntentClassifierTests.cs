using System.Text.Json;
using Hub.Core.Intelligence;
using Hub.Intelligence.Data;
using Hub.Intelligence.Evaluation;

namespace Hub.Intelligence.Tests.Intents;

public sealed class IntentClassifierTests
{
    [Theory]
    [InlineData("I lost my card")]
    [InlineData("My card was stolen yesterday, please block it")]
    [InlineData("I can't find my card anywhere, I think I lost it")]
    public void Lost_card_maps_to_the_lost_or_stolen_card_intent(string text)
    {
        var result = TestData.CommittedIntent.Classify(text);

        Assert.False(result.IsUnknown, $"unknown (best guess {result.BestGuess} at {result.Confidence:F2})");
        Assert.Equal("lost_or_stolen_card", result.Intent);
        Assert.InRange(result.Confidence, TestData.CommittedIntent.UnknownThreshold, 1.0);
    }

    [Theory]
    [InlineData("How do I top up my account with Apple Pay?", "apple_pay_or_google_pay")]
    [InlineData("I want a refund, it still hasn't shown up in my account", "Refund_not_showing_up")]
    [InlineData("What is the exchange rate you use?", "exchange_rate")]
    public void Banking_questions_get_their_intent(string text, string intent)
    {
        Assert.Equal(intent, TestData.CommittedIntent.Classify(text).Intent);
    }

    [Theory]
    [InlineData("asdkjh qwpoeiru zxmcnv")]
    [InlineData("xkcd blorp fnord zzzt")]
    [InlineData("What's the weather like in Paris tomorrow?")]
    [InlineData("Can you recommend a good pasta recipe?")]
    [InlineData("Who won the football match last night?")]
    public void Gibberish_and_out_of_scope_messages_are_unknown(string text)
    {
        var result = TestData.CommittedIntent.Classify(text);

        Assert.True(result.IsUnknown, $"'{text}' became {result.Intent} at {result.Confidence:F2}");
        Assert.Equal(IntentResult.UnknownIntent, result.Intent);
        Assert.NotNull(result.BestGuess);
    }

    [Fact]
    public void Most_committed_out_of_scope_messages_are_unknown()
    {
        var outOfScope = Training.LoadOutOfScope();
        Assert.True(outOfScope.Count >= 30, "the out-of-scope list ships with the model");

        var unknownRate = outOfScope.Average(t => TestData.CommittedIntent.Classify(t).IsUnknown ? 1.0 : 0.0);

        Assert.True(unknownRate >= 0.8, $"only {unknownRate:P0} of out-of-scope messages were unknown");
    }

    [Fact]
    public void Empty_message_is_unknown()
    {
        Assert.Equal(IntentResult.Empty, TestData.CommittedIntent.Classify(" "));
    }

    [Fact]
    public void Committed_model_knows_the_77_banking_intents()
    {
        var intents = TestData.CommittedIntent.Intents;

        Assert.Equal(77, intents.Count);
        Assert.Contains("lost_or_stolen_card", intents);
        Assert.DoesNotContain(IntentResult.UnknownIntent, intents);
    }

    [Banking77Fact]
    public void Committed_model_reproduces_its_reported_held_out_accuracy()
    {
        Assert.True(TestData.Banking77Present, $"CI must have Banking77 at {TestData.Banking77Path}");
        var reported = JsonSerializer.Deserialize<MetricsReport>(File.ReadAllText(TestData.ModelPath("intent-metrics.json")))!;
        var (_, test) = DataSplit.Stratified(LabeledTextCsv.Load(TestData.Banking77Path), reported.TestFraction!.Value, reported.Seed!.Value);

        var report = Evaluator.Intent(TestData.CommittedIntent, test, Training.LoadOutOfScope(), reported);

        Assert.Equal(reported.TestCount, report.TestCount);
        Assert.Equal(reported.Metrics.Accuracy, report.Metrics.Accuracy, 9);
        Assert.True(report.Metrics.Accuracy >= 0.85, $"held-out accuracy {report.Metrics.Accuracy:F3} < 0.85");
        Assert.True(report.Metrics.MacroF1 >= 0.85, $"held-out macro-F1 {report.Metrics.MacroF1:F3} < 0.85");
        Assert.True(report.Unknown!.AnsweredAccuracy >= 0.9, $"accuracy when answered {report.Unknown.AnsweredAccuracy:F3} < 0.9");
        Assert.True(report.Unknown.AnsweredFraction >= 0.85, $"only {report.Unknown.AnsweredFraction:P0} answered");
    }
}
