using System.Text.Json.Serialization;

namespace Hub.Core.Intelligence;

/// <summary>The polarity of a message as an agent would read it; JSON writes it as <c>negative</c>, <c>neutral</c>, <c>positive</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SentimentLabel>))]
public enum SentimentLabel
{
    /// <summary>Unhappy, angry or disappointed.</summary>
    [JsonStringEnumMemberName("negative")]
    Negative = -1,

    /// <summary>Neither clearly happy nor clearly unhappy: the score fell inside the neutral band.</summary>
    [JsonStringEnumMemberName("neutral")]
    Neutral = 0,

    /// <summary>Happy, thankful or satisfied.</summary>
    [JsonStringEnumMemberName("positive")]
    Positive = 1,
}

/// <summary>The sentiment of one message.</summary>
/// <param name="Score">From -1 (certainly negative) through 0 (undecided) to 1 (certainly positive).</param>
/// <param name="Label">
/// Negative or positive when the score is outside the configured neutral band (|score| &lt; band), otherwise neutral.
/// </param>
/// <param name="Confidence">
/// In [0, 1]: the model's probability of the reported polarity; for neutral, how close the score is to 0.
/// </param>
public sealed record SentimentResult(double Score, SentimentLabel Label, double Confidence)
{
    /// <summary>The result for a message with no words to judge.</summary>
    public static SentimentResult Empty { get; } = new(0, SentimentLabel.Neutral, 0);

    /// <summary>The label as stored on a message and sent to clients: <c>negative</c>, <c>neutral</c> or <c>positive</c>.</summary>
    [JsonIgnore]
    public string LabelName => Label switch
    {
        SentimentLabel.Negative => "negative",
        SentimentLabel.Positive => "positive",
        _ => "neutral",
    };
}
