using System.Globalization;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>Prints the access suite's coverage (endpoints × caller kinds) to the test output, one table per scenario.</summary>
public static class Coverage
{
    /// <summary>Writes a header and one row: what surface, how many endpoints or methods, tried by which callers, how many let in.</summary>
    public static void Print(ITestOutputHelper output, string surface, int endpoints, IReadOnlyList<string> callers, int calls, int letIn)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(callers);
        output.WriteLine($"{"surface",-44} {"endpoints",9} {"caller kinds",-60} {"calls",6} {"let in",6}");
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-44} {1,9} {2,-60} {3,6} {4,6}",
            surface, endpoints, $"{callers.Count}: {string.Join(", ", callers)}", calls, letIn));
    }
}
