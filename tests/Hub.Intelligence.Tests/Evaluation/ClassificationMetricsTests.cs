using Hub.Intelligence.Evaluation;

namespace Hub.Intelligence.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Accuracy_macro_F1_per_class_and_confusion_are_computed_from_the_predictions()
    {
        string[] actual = ["a", "a", "a", "a", "b", "b", "c", "c"];
        string[] predicted = ["a", "a", "a", "b", "b", "b", "a", "c"];

        var m = ClassificationMetrics.Compute(actual, predicted);

        Assert.Equal(6.0 / 8, m.Accuracy, 9);
        Assert.Equal(["a", "b", "c"], m.Labels);
        Assert.Equal([[3, 1, 0], [0, 2, 0], [1, 0, 1]], m.Confusion);
        var a = m.PerClass.Single(c => c.Label == "a");
        Assert.Equal(0.75, a.Precision, 9);
        Assert.Equal(0.75, a.Recall, 9);
        var b = m.PerClass.Single(c => c.Label == "b");
        Assert.Equal(2.0 / 3, b.Precision, 9);
        Assert.Equal(1.0, b.Recall, 9);
        var c = m.PerClass.Single(c => c.Label == "c");
        Assert.Equal(1.0, c.Precision, 9);
        Assert.Equal(0.5, c.Recall, 9);
        Assert.Equal((0.75 + 0.8 + 2.0 / 3) / 3, m.MacroF1, 9);
        Assert.Equal(("a", "b", 1), m.TopConfusions(1).Single());
    }

    [Fact]
    public void A_predicted_only_label_gets_a_column_but_does_not_count_as_a_class()
    {
        var m = ClassificationMetrics.Compute(["a", "b"], ["a", "unknown"]);

        Assert.Equal(["a", "b", "unknown"], m.Labels);
        Assert.Equal(["a", "b"], m.PerClass.Select(c => c.Label));
        Assert.Equal(0.5, m.Accuracy, 9);
    }
}
