namespace Hub.Intelligence.Tests.Prediction;

public sealed class ParallelPredictionTests
{
    private static readonly string[] Messages =
    [
        "I lost my card", "This is the worst service ever", "Thank you so much, great help!",
        "How do I top up with Apple Pay?", "asdkjh qwpoeiru", "My transfer has not arrived",
        "Why was I charged a fee?", "Can I change my PIN?", "The app keeps crashing and I am angry",
        "What is the exchange rate?", "", "I want to close my account",
    ];

    [Fact]
    public async Task Many_threads_predicting_at_once_get_the_same_answers_as_one_thread()
    {
        var sentiment = TestData.CommittedSentiment;
        var intent = TestData.CommittedIntent;
        var expected = Messages.Select(m => (sentiment.Classify(m), intent.Classify(m))).ToArray();
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 16).Select(w => Task.Factory.StartNew(() =>
        {
            start.Wait();
            var mismatches = new List<string>();
            for (var i = 0; i < 300; i++)
            {
                var k = (i + w) % Messages.Length;
                var actual = (sentiment.Classify(Messages[k]), intent.Classify(Messages[k]));
                if (actual != expected[k]) mismatches.Add($"{Messages[k]}: {actual} != {expected[k]}");
            }

            return mismatches;
        }, TaskCreationOptions.LongRunning)).ToArray();
        start.Set();
        var results = await Task.WhenAll(workers);

        Assert.Empty(results.SelectMany(r => r));
    }
}
