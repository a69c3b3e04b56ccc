using System.Text.RegularExpressions;

namespace Hub.Server.Tests.Architecture;

/// <summary>
/// Which feature module of Hub.Server refers to which, read from the sources: a module is a folder
/// <c>server/Hub.Server/Modules/&lt;Module&gt;/</c> (namespaces <c>Hub.Server.Modules.&lt;Module&gt;[.*]</c>), and a file
/// of module A refers to module B when it has <c>using Hub.Server.Modules.B…</c>, mentions <c>Hub.Server.Modules.B.</c>
/// fully qualified, or — inside a <c>Hub.Server.Modules.*</c> namespace, where C# resolves it through the enclosing
/// namespaces — writes <c>B.Type</c> (e.g. <c>Inbox.InboundLimits</c>). Sources rather than the compiled assembly,
/// because constants are inlined by the compiler and would leave no trace in it.
/// </summary>
internal sealed partial class ModuleGraph
{
    private ModuleGraph(string root, IReadOnlyList<string> modules, IReadOnlyDictionary<(string From, string To), SortedSet<string>> edges)
    {
        Root = root;
        Modules = modules;
        Edges = edges;
    }

    /// <summary>The repository root (the folder holding Hub.sln).</summary>
    public string Root { get; }

    public IReadOnlyList<string> Modules { get; }

    /// <summary>Every module-to-module reference, with the files (relative to the root, '/'-separated) that make it.</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Edges { get; }

    public static ModuleGraph Load()
    {
        var root = FindRoot();
        var modulesDir = Path.Combine(root, "server", "Hub.Server", "Modules");
        var modules = Directory.GetDirectories(modulesDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var module in modules)
        {
            foreach (var file in SourceFiles(Path.Combine(modulesDir, module)))
            {
                foreach (var target in References(File.ReadAllText(file), modules).Where(t => t != module))
                {
                    Add(edges, (module, target), Relative(root, file));
                }
            }
        }

        return new ModuleGraph(root, modules, edges);
    }

    /// <summary>The modules each file under <paramref name="folder"/> (of the host, e.g. <c>server/Hub.Server/Auth</c>) refers to.</summary>
    public IEnumerable<(string File, string Module)> HostReferences(string folder)
    {
        var path = Path.Combine(Root, folder);
        return Directory.Exists(path)
            ? SourceFiles(path).SelectMany(file => FullyQualified(StripComments(File.ReadAllText(file)), Modules).Select(m => (Relative(Root, file), m)))
            : [];
    }

    /// <summary>Every simple cycle (as the module list, first module repeated at the end) of the graph without <paramref name="cut"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlySet<(string From, string To)> cut)
    {
        var next = Modules.ToDictionary(m => m, m => Edges.Keys.Where(e => e.From == m && !cut.Contains(e)).Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var order = Modules.Select((m, i) => (m, i)).ToDictionary(p => p.m, p => p.i);
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var start in Modules)
        {
            // Each cycle once: from its smallest module, through larger ones only.
            var path = new List<string> { start };
            Walk(start);

            void Walk(string at)
            {
                foreach (var to in next[at])
                {
                    if (to == start)
                    {
                        cycles.Add([.. path, start]);
                    }
                    else if (order[to] > order[start] && !path.Contains(to))
                    {
                        path.Add(to);
                        Walk(to);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }

        return cycles;
    }

    /// <summary>Whether <paramref name="to"/> can reach <paramref name="from"/>, i.e. whether the edge from→to closes a loop.</summary>
    public bool ClosesALoop(string from, string to)
    {
        var seen = new HashSet<string> { to };
        var stack = new Stack<string>([to]);
        while (stack.TryPop(out var at))
        {
            foreach (var (edgeFrom, edgeTo) in Edges.Keys.Where(e => e.From == at))
            {
                if (edgeTo == from)
                {
                    return true;
                }

                if (seen.Add(edgeTo))
                {
                    stack.Push(edgeTo);
                }
            }
        }

        return false;
    }

    private static IEnumerable<string> References(string source, IReadOnlyList<string> modules)
    {
        var code = StripComments(source);
        var found = new HashSet<string>(FullyQualified(code, modules), StringComparer.Ordinal);
        if (ModuleNamespace().IsMatch(code))
        {
            foreach (var module in modules.Where(m => Regex.IsMatch(code, $@"(?<![\w.]){m}\.(?=[A-Z])")))
            {
                found.Add(module);
            }
        }

        return found;
    }

    private static IEnumerable<string> FullyQualified(string code, IReadOnlyList<string> modules) =>
        QualifiedModule().Matches(code).Select(m => m.Groups[1].Value).Where(modules.Contains).Distinct(StringComparer.Ordinal);

    /// <summary>Line and block comments out (a module named in a comment is no dependency); "://" in URLs stays.</summary>
    private static string StripComments(string source) => LineComment().Replace(BlockComment().Replace(source, " "), string.Empty);

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static void Add(Dictionary<(string, string), SortedSet<string>> edges, (string, string) edge, string file)
    {
        if (!edges.TryGetValue(edge, out var files))
        {
            edges[edge] = files = new SortedSet<string>(StringComparer.Ordinal);
        }

        files.Add(file);
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")) && Directory.Exists(Path.Combine(dir.FullName, "server", "Hub.Server", "Modules")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (Hub.sln with server/Hub.Server/Modules) above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"Hub\.Server\.Modules\.(\w+)")]
    private static partial Regex QualifiedModule();

    [GeneratedRegex(@"^\s*namespace\s+Hub\.Server\.Modules\.", RegexOptions.Multiline)]
    private static partial Regex ModuleNamespace();

    [GeneratedRegex(@"(?<![:""])//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();
}
