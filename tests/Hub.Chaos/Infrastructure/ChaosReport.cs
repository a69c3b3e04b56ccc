using System.Globalization;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Chaos.Infrastructure;

/// <summary>What a chaos row is about: a fault injected, hostile input tried, an access attempt, or load.</summary>
public enum ChaosKind
{
    Fault,
    Input,
    Access,
    Load,
}

/// <summary>
/// The suites' ledger: every scenario appends one row (what was tried, how much, what was lost) to a TSV
/// file, and <c>scripts/lib/chaos-table.sh</c> prints it as the table the README and the closing note carry.
/// Rows are written when a scenario has finished its assertions, so a failing scenario leaves no "0 lost" row.
/// The file is <c>HUB_CHAOS_REPORT</c>, or <c>.artifacts/chaos/report.tsv</c> under the repository root.
/// </summary>
public static class ChaosReport
{
    private static readonly Lock Gate = new();

    /// <summary>The TSV file rows go to.</summary>
    public static string FilePath { get; } = Environment.GetEnvironmentVariable("HUB_CHAOS_REPORT") is { Length: > 0 } path
        ? path
        : Path.Combine(HubProcess.RepositoryRoot, ".artifacts", "chaos", "report.tsv");

    /// <summary>
    /// Appends one row. <paramref name="tried"/> counts <paramref name="unit"/> (e.g. 400 "webhooks",
    /// 3 "kills", 1,200 "inputs"); <paramref name="lost"/> is what did not survive (messages lost or
    /// duplicated, 500s answered, unauthorised calls let in): the suites assert it is zero before recording.
    /// </summary>
    public static void Record(ChaosKind kind, string scenario, long tried, string unit, long lost, string detail = "")
    {
        var line = string.Join('\t',
            kind.ToString().ToLowerInvariant(),
            Clean(scenario),
            tried.ToString(CultureInfo.InvariantCulture),
            Clean(unit),
            lost.ToString(CultureInfo.InvariantCulture),
            Clean(detail));
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllText(FilePath, line + "\n");
        }
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
