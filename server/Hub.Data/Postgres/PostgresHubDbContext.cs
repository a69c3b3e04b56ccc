using Hub.Core.Workspaces;
using Hub.Data.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Hub.Data.Postgres;

/// <summary>PostgreSQL, for production and scale-out. Owns the PostgreSQL migrations.</summary>
public sealed class PostgresHubDbContext(DbContextOptions<PostgresHubDbContext> options, IWorkspaceContext workspace)
    : HubDbContext(options, workspace)
{
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        base.OnConfiguring(optionsBuilder);
        // Here rather than at registration, so every PostgreSQL context (tests and tools build their own) locks claims.
        optionsBuilder.AddInterceptors(SkipLockedInterceptor.Instance);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHubDbContext>
{
    public PostgresHubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql("Host=localhost;Database=hub_design").Options, new FixedWorkspaceContext(null));
}
