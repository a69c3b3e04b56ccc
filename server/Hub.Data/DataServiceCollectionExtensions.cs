using Hub.Data.Claims;
using Hub.Data.Postgres;
using Hub.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Data;

/// <summary>Registers Hub's database on PostgreSQL or, with no connection string, on embedded SQLite.</summary>
public static class DataServiceCollectionExtensions
{
    /// <param name="services">The service collection.</param>
    /// <param name="postgresConnectionString">PostgreSQL connection string, or null/empty for SQLite.</param>
    /// <param name="sqliteConnectionString">The SQLite connection string used when PostgreSQL isn't configured.</param>
    public static IServiceCollection AddHubData(this IServiceCollection services, string? postgresConnectionString, string sqliteConnectionString)
    {
        if (!string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            services.AddDbContext<HubDbContext, PostgresHubDbContext>(o => o.UseNpgsql(postgresConnectionString));
        }
        else
        {
            services.AddDbContext<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite(sqliteConnectionString));
        }

        services.AddScoped<RowClaimer>();
        services.AddScoped<UnitOfWork>();
        return services;
    }
}
