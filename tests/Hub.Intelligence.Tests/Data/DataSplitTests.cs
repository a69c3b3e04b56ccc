using Hub.Intelligence.Data;

namespace Hub.Intelligence.Tests.Data;

public sealed class DataSplitTests
{
    private static readonly IReadOnlyList<LabeledText> Rows =
        [.. Enumerable.Range(0, 100).Select(i => new LabeledText($"text {i}", i % 4 == 0 ? "rare" : "common"))];

    [Fact]
    public void Same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var a = DataSplit.Stratified(Rows, 0.2, seed: 42);
        var b = DataSplit.Stratified(Rows, 0.2, seed: 42);
        var c = DataSplit.Stratified(Rows, 0.2, seed: 43);

        Assert.Equal(a.Test, b.Test);
        Assert.Equal(a.Train, b.Train);
        Assert.NotEqual(a.Test.Select(r => r.Text).Order(), c.Test.Select(r => r.Text).Order());
    }

    [Fact]
    public void Every_label_is_held_out_in_proportion_and_no_row_is_on_both_sides()
    {
        var (train, test) = DataSplit.Stratified(Rows, 0.2, seed: 1);

        Assert.Equal(5, test.Count(r => r.Label == "rare"));
        Assert.Equal(15, test.Count(r => r.Label == "common"));
        Assert.Equal(100, train.Concat(test).Select(r => r.Text).Distinct().Count());
    }
}
