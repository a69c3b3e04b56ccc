using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Contacts;

/// <summary>Users and their bulk import (<c>Users</c> section).</summary>
public sealed class UsersOptions
{
    public const string Section = "Users";

    /// <summary>The largest import body accepted, in bytes (default 50 MB); a larger one is refused with 413.</summary>
    [Range(1024, 10L * 1024 * 1024 * 1024)]
    public long MaxImportBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>How many import rows are written per database save (default 500).</summary>
    [Range(1, 5000)]
    public int ImportBatchSize { get; set; } = 500;
}
