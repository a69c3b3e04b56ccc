namespace Hub.Core.Intelligence;

/// <summary>
/// Tells what a customer wants in one message, from a fixed taxonomy, or says <see cref="IntentResult.UnknownIntent"/>
/// when no intent is likely enough. Implementations are thread-safe and fast enough for every inbound message.
/// </summary>
public interface IIntentClassifier
{
    /// <summary>The intents this classifier can answer (without <see cref="IntentResult.UnknownIntent"/>).</summary>
    IReadOnlyList<string> Intents { get; }

    /// <summary>Classifies <paramref name="text"/>; empty or whitespace text is unknown with zero confidence.</summary>
    IntentResult Classify(string text);
}
