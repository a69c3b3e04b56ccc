using Hub.Core.Campaigns;

namespace Hub.Core.Tests.Campaigns;

public sealed class WinnerPickerTests
{
    [Fact]
    public void The_best_human_rate_of_the_chosen_metric_wins()
    {
        VariantRates[] rates = [VariantRates.Of("A", 100, 60, 2), VariantRates.Of("B", 100, 20, 9)];
        Assert.Equal(("A", WinnerPicker.BestRate), WinnerPicker.Pick(rates, WinnerMetric.OpenRate, 20));
        Assert.Equal(("B", WinnerPicker.BestRate), WinnerPicker.Pick(rates, WinnerMetric.ClickRate, 20));
    }

    [Fact]
    public void A_tie_goes_to_the_first_variant()
    {
        VariantRates[] rates = [VariantRates.Of("A", 50, 5, 0), VariantRates.Of("B", 100, 10, 0), VariantRates.Of("C", 100, 1, 0)];
        Assert.Equal(("A", WinnerPicker.TieFirstVariant), WinnerPicker.Pick(rates, WinnerMetric.OpenRate, 20));
    }

    [Fact]
    public void Variants_below_the_minimum_sample_take_no_part_and_with_none_eligible_the_first_wins()
    {
        // B's perfect rate comes from 3 recipients only: below the sample, it can't win.
        VariantRates[] rates = [VariantRates.Of("A", 100, 30, 0), VariantRates.Of("B", 3, 3, 0)];
        Assert.Equal(("A", WinnerPicker.BestRate), WinnerPicker.Pick(rates, WinnerMetric.OpenRate, 20));
        VariantRates[] tiny = [VariantRates.Of("A", 5, 0, 0), VariantRates.Of("B", 5, 5, 0)];
        Assert.Equal(("A", WinnerPicker.InsufficientSample), WinnerPicker.Pick(tiny, WinnerMetric.OpenRate, 20));
    }

    [Fact]
    public void Rates_are_unique_people_over_sent_and_zero_when_nothing_was_sent()
    {
        Assert.Equal((0.25, 0.05), (VariantRates.Of("A", 200, 50, 10).OpenRate, VariantRates.Of("A", 200, 50, 10).ClickRate));
        Assert.Equal((0.0, 0.0), (VariantRates.Of("A", 0, 0, 0).OpenRate, VariantRates.Of("A", 0, 0, 0).ClickRate));
    }
}
