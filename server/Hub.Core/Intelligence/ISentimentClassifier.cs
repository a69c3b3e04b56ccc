namespace Hub.Core.Intelligence;

/// <summary>
/// Tells how a customer feels in one message. Implementations are thread-safe and fast enough to run
/// on every inbound message (well under a millisecond).
/// </summary>
public interface ISentimentClassifier
{
    /// <summary>Scores <paramref name="text"/>; empty or whitespace text is neutral with zero confidence.</summary>
    SentimentResult Classify(string text);
}
