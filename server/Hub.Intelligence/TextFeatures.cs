using Microsoft.ML;
using Microsoft.ML.Transforms.Text;

namespace Hub.Intelligence;

/// <summary>The text featurization both models share: lower-cased word 1-2 grams and character 3-grams, L2-normalised.</summary>
internal static class TextFeatures
{
    /// <summary>Longer texts (quoted email threads) are cut, so one message cannot make prediction slow.</summary>
    public const int MaxTextLength = 2000;

    public static string Prepare(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];

    public static TextFeaturizingEstimator Featurize(MLContext ml, string outputColumn, string inputColumn, bool useCharGrams) =>
        ml.Transforms.Text.FeaturizeText(outputColumn, new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            // Stop words stay: "not", "never" and "no" carry the sentiment of many support messages.
            StopWordsRemoverOptions = null,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = useCharGrams
                ? new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false }
                : null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        }, inputColumn);
}
