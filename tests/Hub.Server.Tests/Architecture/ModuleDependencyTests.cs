using System.Text;
using Xunit.Abstractions;

namespace Hub.Server.Tests.Architecture;

/// <summary>
/// Modules may use each other, never in a loop (docs: DESIGN.md, "References point inward"), and the host's shared
/// folders (Auth, Infrastructure) import no module. Loops that exist today are listed below as the one reference of
/// each that has to go; the test fails on any loop those cuts don't break, so every new one is caught.
/// </summary>
public sealed class ModuleDependencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Today's loops, each as the reference that points the wrong way (the lower module reaching up); removing it
    /// breaks the loops it closes. Empty this list, entry by entry, as the modules are untangled.
    /// </summary>
    private static readonly (string From, string To, string Why)[] KnownCycles =
    [
    ];

    /// <summary>Host files (shared folders) that import a module today; they belong in that module, or the module's port in Core.</summary>
    private static readonly (string File, string Module, string Why)[] KnownHostImports =
    [
    ];

    private static readonly string[] SharedHostFolders = ["server/Hub.Server/Auth", "server/Hub.Server/Infrastructure"];

    private static readonly Lazy<ModuleGraph> Graph = new(ModuleGraph.Load);

    [Fact]
    public void No_two_modules_import_each_other_in_a_loop_beyond_the_known_ones()
    {
        var graph = Graph.Value;
        Assert.NotEmpty(graph.Modules);
        var cut = KnownCycles.Select(k => (k.From, k.To)).ToHashSet();
        var cycles = graph.Cycles(cut);
        if (cycles.Count == 0)
        {
            return;
        }

        var message = new StringBuilder($"{cycles.Count} module loop(s) beyond the known ones. Break each (a port in Hub.Core, or move the code to the module it serves):");
        foreach (var cycle in cycles)
        {
            message.Append(Environment.NewLine).Append(string.Join(" -> ", cycle));
            foreach (var (from, to) in cycle.Zip(cycle.Skip(1)))
            {
                message.Append(Environment.NewLine).Append($"    {from} -> {to}: {string.Join(", ", graph.Edges[(from, to)])}");
            }
        }

        Assert.Fail(message.ToString());
    }

    [Fact]
    public void The_known_loops_list_names_only_references_that_still_close_a_loop()
    {
        var graph = Graph.Value;
        var stale = KnownCycles.Where(k => !graph.Edges.ContainsKey((k.From, k.To)) || !graph.ClosesALoop(k.From, k.To))
            .Select(k => $"{k.From} -> {k.To}").ToList();
        Assert.True(stale.Count == 0, $"Remove from {nameof(KnownCycles)} (no longer a loop, keep it that way): {string.Join("; ", stale)}");
    }

    [Fact]
    public void The_hosts_shared_folders_import_no_module_beyond_the_known_ones()
    {
        var graph = Graph.Value;
        var known = KnownHostImports.Select(k => (k.File, k.Module)).ToHashSet();
        var found = SharedHostFolders.SelectMany(graph.HostReferences).ToHashSet();
        var unexpected = found.Except(known).Order().Select(f => $"{f.File} imports {f.Module}").ToList();
        Assert.True(unexpected.Count == 0, "Auth and Infrastructure are shared by every module and must not import one:" + Environment.NewLine + string.Join(Environment.NewLine, unexpected));
        var stale = known.Except(found).Select(k => $"{k.File} -> {k.Module}").ToList();
        Assert.True(stale.Count == 0, $"Remove from {nameof(KnownHostImports)} (no longer imported): {string.Join("; ", stale)}");
    }

    [Fact]
    public void Prints_the_module_graph_with_edge_counts()
    {
        var graph = Graph.Value;
        var cut = KnownCycles.Select(k => (k.From, k.To)).ToHashSet();
        output.WriteLine($"{graph.Modules.Count} modules, {graph.Edges.Count} references (files per reference; * = a known loop's wrong-way reference):");
        foreach (var module in graph.Modules)
        {
            var outgoing = graph.Edges.Where(e => e.Key.From == module).OrderBy(e => e.Key.To, StringComparer.Ordinal)
                .Select(e => $"{e.Key.To} {e.Value.Count}{(cut.Contains(e.Key) ? "*" : string.Empty)}");
            var incoming = graph.Edges.Keys.Count(e => e.To == module);
            output.WriteLine($"{module,-14} -> {string.Join(", ", outgoing)}   (used by {incoming})");
        }

        output.WriteLine(string.Empty);
        output.WriteLine("Mutual pairs (A <-> B, files each way):");
        foreach (var ((from, to), files) in graph.Edges.Where(e => string.CompareOrdinal(e.Key.From, e.Key.To) < 0 && graph.Edges.ContainsKey((e.Key.To, e.Key.From))))
        {
            output.WriteLine($"  {from} <-> {to}: {files.Count} / {graph.Edges[(to, from)].Count}");
        }

        Assert.NotEmpty(graph.Edges);
    }
}
