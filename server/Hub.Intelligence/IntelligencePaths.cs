namespace Hub.Intelligence;

/// <summary>Where relative model and data paths point.</summary>
public static class IntelligencePaths
{
    /// <summary>A model path: as given when rooted, else under the app's base directory (where the build copies models).</summary>
    public static string ResolveModel(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));

    /// <summary>
    /// A data path: as given when rooted; else relative to the repository root (the nearest folder above the
    /// working directory or the app holding <c>Hub.sln</c>); else relative to the working directory.
    /// </summary>
    public static string ResolveData(string path)
    {
        if (Path.IsPathRooted(path)) return path;
        var root = FindRepositoryRoot();
        return Path.GetFullPath(root is null ? path : Path.Combine(root, path));
    }

    /// <summary>The nearest folder holding <c>Hub.sln</c>, above the working directory or the app's base directory.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
            }
        }

        return null;
    }
}
