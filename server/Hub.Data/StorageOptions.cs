using System.ComponentModel.DataAnnotations;

namespace Hub.Data;

/// <summary>Where Hub keeps its data. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// SQLite file used when no PostgreSQL connection string is set. Relative paths are under the
    /// host's content root.
    /// </summary>
    [Required]
    public string SqlitePath { get; set; } = "App_Data/hub.db";

    /// <summary>Apply pending migrations at start-up (on by default; turn off when a deploy step does it).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
