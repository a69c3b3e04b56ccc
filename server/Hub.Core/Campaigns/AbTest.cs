namespace Hub.Core.Campaigns;

/// <summary>
/// The A/B decision of a campaign's run: which variant won, when, by what, and each variant's numbers at that
/// moment. Written once per run by a conditional update (<see cref="Campaign.AbDecidedRun"/>), so two nodes racing
/// record one winner.
/// </summary>
public sealed class AbTestResult
{
    /// <summary>The run this decision belongs to; 0: none made yet.</summary>
    public int Run { get; set; }

    /// <summary>The winning variant's name.</summary>
    public string? Winner { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public WinnerMetric Metric { get; set; }

    /// <summary>How the winner was chosen: <c>best_rate</c>, <c>tie_first_variant</c>, <c>insufficient_sample</c>.</summary>
    public string? Reason { get; set; }

    /// <summary>Whether someone forced the decision before the wait was over.</summary>
    public bool Forced { get; set; }

    /// <summary>Each variant's numbers when the decision was made.</summary>
    public List<VariantRates> Variants { get; set; } = [];
}

/// <summary>One variant's A/B numbers: sent, unique human opens and clicks, and their rates (human unique / sent).</summary>
public sealed record VariantRates(string Name, int Sent, int UniqueHumanOpens, int UniqueHumanClicks, double OpenRate, double ClickRate)
{
    /// <summary>Rates from counts (0 when nothing was sent).</summary>
    public static VariantRates Of(string name, int sent, int opens, int clicks) =>
        new(name, sent, opens, clicks, sent == 0 ? 0 : Math.Round((double)opens / sent, 4), sent == 0 ? 0 : Math.Round((double)clicks / sent, 4));

    public double RateBy(WinnerMetric metric) => metric == WinnerMetric.ClickRate ? ClickRate : OpenRate;
}

/// <summary>
/// Picks an A/B winner from HUMAN unique rates only (proxy and scanner hits never reach these numbers).
/// The minimum sample rule: a variant takes part only when it was sent to at least <c>minSample</c> recipients;
/// the highest rate among those wins, a tie goes to the variant listed first; when no variant has the sample, the
/// first variant wins (reason <c>insufficient_sample</c>).
/// </summary>
public static class WinnerPicker
{
    public const string BestRate = "best_rate";
    public const string TieFirstVariant = "tie_first_variant";
    public const string InsufficientSample = "insufficient_sample";

    /// <param name="rates">One entry per variant, in the campaign's variant order.</param>
    public static (string Winner, string Reason) Pick(IReadOnlyList<VariantRates> rates, WinnerMetric metric, int minSample)
    {
        ArgumentNullException.ThrowIfNull(rates);
        if (rates.Count == 0)
        {
            throw new ArgumentException("No variants to pick from.", nameof(rates));
        }

        var eligible = rates.Where(r => r.Sent >= Math.Max(1, minSample)).ToList();
        if (eligible.Count == 0)
        {
            return (rates[0].Name, InsufficientSample);
        }

        var best = eligible.Max(r => r.RateBy(metric));
        var leaders = eligible.Where(r => r.RateBy(metric) == best).ToList();
        return (leaders[0].Name, leaders.Count > 1 ? TieFirstVariant : BestRate);
    }
}
