using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hub.Intelligence.Sentiment;

/// <summary>
/// The AFINN-165 lexicon scorer of the npm package <c>sentiment@5.0.2</c>, ported faithfully (same tokenizer,
/// same negation rule, same "comparative score &lt; 0 is negative" decision as its validate benchmark), so the
/// ML model can be compared with it on the very same held-out rows. Only used for evaluation: the lexicon is
/// read from the fetched package, it is not shipped with Hub.
/// </summary>
public sealed partial class AfinnBaseline(IReadOnlyDictionary<string, int> labels, IReadOnlySet<string> negators)
{
    /// <summary>Loads <c>en/labels.json</c> and <c>en/negators.json</c> from the fetched data folder.</summary>
    public static AfinnBaseline? TryLoad(string sentimentDataDirectory)
    {
        var labelsPath = Path.Combine(sentimentDataDirectory, "en", "labels.json");
        var negatorsPath = Path.Combine(sentimentDataDirectory, "en", "negators.json");
        if (!File.Exists(labelsPath) || !File.Exists(negatorsPath)) return null;
        var labels = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(labelsPath)) ?? [];
        var negators = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(negatorsPath)) ?? [];
        return new AfinnBaseline(labels, negators.Keys.ToHashSet());
    }

    /// <summary>The package's <c>comparative</c> score: the summed word scores divided by the token count.</summary>
    public double Comparative(string text)
    {
        var tokens = Tokenize(text);
        var score = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!labels.TryGetValue(tokens[i], out var wordScore)) continue;
            if (i > 0 && negators.Contains(tokens[i - 1])) wordScore = -wordScore;
            score += wordScore;
        }

        return tokens.Length == 0 ? 0 : (double)score / tokens.Length;
    }

    /// <summary>Negative when the comparative score is below zero, positive otherwise (as the package's benchmark).</summary>
    public string Classify(string text) =>
        Comparative(text) < 0 ? Data.SentimentCorpus.Negative : Data.SentimentCorpus.Positive;

    private static string[] Tokenize(string input)
    {
        var s = input.ToLowerInvariant().Replace('\n', ' ');
        s = Punctuation().Replace(s, " ");
        s = Spaces().Replace(s, " ").Trim();
        return s.Split(' ');
    }

    [GeneratedRegex("""[.,\/#!?$%\^&\*;:{}=_`"~()]""")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\s\s+")]
    private static partial Regex Spaces();
}
