using Hub.Core.Workspaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hub.Data.Sqlite;

/// <summary>The embedded default: one SQLite file, no server needed. Owns the SQLite migrations.</summary>
public sealed class SqliteHubDbContext(DbContextOptions<SqliteHubDbContext> options, IWorkspaceContext workspace)
    : HubDbContext(options, workspace)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no offset-aware time type and can't order or compare DateTimeOffset text; Hub keeps
        // every time in UTC, so a sortable 64-bit number loses nothing.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without starting the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHubDbContext>
{
    public SqliteHubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHubDbContext>().UseSqlite("Data Source=design.db").Options, new FixedWorkspaceContext(null));
}
