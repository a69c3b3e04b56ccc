using System.Globalization;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// The fuzzer's knobs: <c>HUB_FUZZ_SEED</c> (the run's seed; random and printed when unset, so a failing run can be
/// replayed) and <c>HUB_FUZZ_CASES</c> (random mutations per endpoint; a small CI default, scaled up by chaos.sh).
/// </summary>
public static class FuzzSettings
{
    /// <summary>The seed every fuzz test of this run derives its generator from.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("HUB_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
        ? seed
        : Random.Shared.Next(1, int.MaxValue);

    /// <summary>Random mutations per endpoint (or per webhook, per hub method).</summary>
    public static int Cases { get; } = int.TryParse(Environment.GetEnvironmentVariable("HUB_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cases) && cases > 0
        ? cases
        : Environment.GetEnvironmentVariable("HUB_CHAOS_FULL") == "true" ? 40 : 6;

    /// <summary>A generator for one test: the run's seed mixed with the test's name, so tests don't share a sequence.</summary>
    public static Random For(string test) => new(unchecked(Seed * 31 + StableHash(test)));

    /// <summary>The line a test prints first, so its inputs can be replayed.</summary>
    public static string Banner(string test) => $"{test}: HUB_FUZZ_SEED={Seed} HUB_FUZZ_CASES={Cases}";

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked(hash * 31 + c);
        }

        return hash;
    }
}
