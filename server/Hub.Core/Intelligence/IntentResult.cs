namespace Hub.Core.Intelligence;

/// <summary>The intent of one message.</summary>
/// <param name="Intent">An intent of the taxonomy, or <see cref="UnknownIntent"/>.</param>
/// <param name="Confidence">In [0, 1]: the model's probability of its best intent (also when unknown).</param>
/// <param name="IsUnknown">
/// True when the best intent's probability was below the configured threshold, so the message is not forced
/// into a wrong intent; <see cref="BestGuess"/> then still says what the model leaned to.
/// </param>
public sealed record IntentResult(string Intent, double Confidence, bool IsUnknown)
{
    /// <summary>The intent reported for out-of-scope or unclear messages.</summary>
    public const string UnknownIntent = "unknown";

    /// <summary>The model's best intent even when it was not confident enough to report it.</summary>
    public string? BestGuess { get; init; }

    /// <summary>The result for a message with no words to judge.</summary>
    public static IntentResult Empty { get; } = new(UnknownIntent, 0, true);
}
