using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Intelligence.Data;

/// <summary>
/// The UCI "Sentiment Labelled Sentences" (Kotzias et al., 2015) as shipped in the npm package
/// <c>sentiment@5.0.2</c>: <c>fixtures/{amazon,imdb,yelp}.json</c>, each <c>[{"text":..., "class":0|1}]</c>.
/// Labels become <see cref="Negative"/> / <see cref="Positive"/>.
/// </summary>
public static class SentimentCorpus
{
    /// <summary>The label of class 0.</summary>
    public const string Negative = "negative";

    /// <summary>The label of class 1.</summary>
    public const string Positive = "positive";

    /// <summary>Only in Hub's own support set: a message that is neither (questions, plain requests).</summary>
    public const string Neutral = "neutral";

    /// <summary>The source name of Hub's own support-message sentiment set.</summary>
    public const string SupportSource = "support";

    /// <summary>The three parts of the corpus, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> Sources = ["amazon", "imdb", "yelp"];

    /// <summary>True when <paramref name="directory"/> holds all three parts.</summary>
    public static bool IsPresent(string directory) =>
        Sources.All(s => File.Exists(Path.Combine(directory, "fixtures", s + ".json")));

    /// <summary>
    /// Loads all three parts, dropping empty rows and repeated texts (the Amazon part repeats some; a repeat
    /// could land on both sides of a split and flatter the held-out accuracy).
    /// </summary>
    public static IReadOnlyList<LabeledText> Load(string directory)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var rows = new List<LabeledText>();
        foreach (var source in Sources)
        {
            foreach (var row in LoadJson(Path.Combine(directory, "fixtures", source + ".json"), source))
            {
                if (seen.Add(row.Text.Trim())) rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>Loads one file of the <c>[{"text":..., "class":0|1}]</c> format; empty rows are dropped.</summary>
    public static IReadOnlyList<LabeledText> LoadJson(string path, string? source = null)
    {
        source ??= Path.GetFileNameWithoutExtension(path);
        using var stream = File.OpenRead(path);
        var items = JsonSerializer.Deserialize<List<Item>>(stream) ?? [];
        return items
            .Where(i => !string.IsNullOrWhiteSpace(i.Text) && i.Class is 0 or 1)
            .Select(i => new LabeledText(i.Text!.Trim(), i.Class == 1 ? Positive : Negative, source))
            .ToList();
    }

    /// <summary>
    /// Hub's own support-message set (<c>Sentiment/support-sentiment.csv</c>, written by the team, labels negative /
    /// neutral / positive). The review sentences above never say "furious" or "where is my order?"; this set
    /// teaches the model how support messages sound. Empty when the file is absent.
    /// </summary>
    public static IReadOnlyList<LabeledText> LoadSupport(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "Sentiment", "support-sentiment.csv");
        if (!File.Exists(path)) return [];
        return LabeledTextCsv.Load(path).Select(r => r with { Label = r.Label.ToLowerInvariant(), Source = SupportSource }).ToList();
    }

    private sealed record Item(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("class")] int? Class);
}
