namespace Hub.Intelligence.Data;

/// <summary>A seeded, stratified train/test split: the same rows, fraction and seed always give the same split.</summary>
public static class DataSplit
{
    /// <summary>
    /// Puts <paramref name="testFraction"/> of every stratum (label, or source+label) in the test set.
    /// Strata are visited in ordinal order and shuffled with one seeded <see cref="Random"/>, so the split
    /// depends only on the rows and the seed; the training rows are shuffled too (SDCA is order-sensitive).
    /// </summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Test) Stratified(
        IReadOnlyList<LabeledText> rows, double testFraction, int seed, Func<LabeledText, string>? stratum = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(testFraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testFraction, 1);
        stratum ??= r => r.Label;
        var random = new Random(seed);
        var train = new List<LabeledText>();
        var test = new List<LabeledText>();
        foreach (var group in rows.GroupBy(stratum).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            var testCount = (int)Math.Round(items.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(items.Take(testCount));
            train.AddRange(items.Skip(testCount));
        }

        var shuffledTrain = train.ToArray();
        random.Shuffle(shuffledTrain);
        return (shuffledTrain, test);
    }

    /// <summary>A seeded stratified sample of at most <paramref name="perLabel"/> rows of each label.</summary>
    public static IReadOnlyList<LabeledText> SamplePerLabel(IReadOnlyList<LabeledText> rows, int perLabel, int seed)
    {
        var random = new Random(seed);
        var sample = new List<LabeledText>();
        foreach (var group in rows.GroupBy(r => r.Label).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            sample.AddRange(items.Take(perLabel));
        }

        return sample;
    }
}
