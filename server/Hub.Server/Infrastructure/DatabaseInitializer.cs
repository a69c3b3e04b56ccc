using System.Security.Cryptography;
using Hub.Core.Members;
using Hub.Data;
using Hub.Server.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Runs before the host serves: applies migrations, makes sure the roles exist, and on the very first
/// start creates a workspace and its admin.
/// </summary>
public static partial class DatabaseInitializer
{
    public static async Task InitializeHubDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<HubDbContext>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));

        // Nodes starting together on a new database take turns: one migrates and creates the first
        // workspace, the others find it done.
        await using var turn = db.Database.IsNpgsql() ? await PostgresTurn.TakeAsync(db.Database.GetConnectionString()!, cancellationToken) : null;
        await InitializeAsync(provider, db, logger, cancellationToken);
    }

    private static async Task InitializeAsync(IServiceProvider provider, HubDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        if (provider.GetRequiredService<IOptions<StorageOptions>>().Value.MigrateOnStartup)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        var roles = provider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in MemberRole.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                // Two nodes starting together may both get here; the unique index keeps one.
                try
                {
                    await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() });
                }
                catch (DbUpdateException)
                {
                    // The refused role stays tracked as Added: left there, the workspace's first save would insert it
                    // again and fail (seen when two nodes started together on a new SQLite database).
                    db.ChangeTracker.Clear();
                    if (!await roles.RoleExistsAsync(role))
                    {
                        throw;
                    }
                }
            }
        }

        if (await db.Workspaces.AnyAsync(cancellationToken))
        {
            return;
        }

        var bootstrap = provider.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        var password = string.IsNullOrEmpty(bootstrap.AdminPassword) ? GeneratePassword() : bootstrap.AdminPassword;
        WorkspaceProvisioner.Result result;
        try
        {
            result = await provider.GetRequiredService<WorkspaceProvisioner>()
                .CreateAsync(bootstrap.WorkspaceName, bootstrap.AdminEmail, "Admin", password, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node (on SQLite, which has no advisory lock) created the first workspace at the same moment.
            db.ChangeTracker.Clear();
            if (await db.Workspaces.AnyAsync(cancellationToken))
            {
                return;
            }

            throw;
        }

        if (result.Workspace is null)
        {
            throw new InvalidOperationException("The first admin could not be created: "
                + string.Join(" ", result.Errors.Select(e => e.Description)) + " Check Bootstrap:AdminEmail and Bootstrap:AdminPassword.");
        }

        LogFirstRun(logger, result.Workspace.Name, bootstrap.AdminEmail);
        if (string.IsNullOrEmpty(bootstrap.AdminPassword))
        {
            // Printed once, on the run that created the admin: there's no other way to learn it.
            Console.WriteLine($"""

                =====================================================================
                 Hub created the workspace "{result.Workspace.Name}" and its first admin.
                   email:    {bootstrap.AdminEmail}
                   password: {password}
                 This password is shown once. Change it after signing in.
                =====================================================================

                """);
        }
    }

    /// <summary>A PostgreSQL advisory lock held on its own connection for as long as the start-up work runs.</summary>
    private sealed class PostgresTurn(Npgsql.NpgsqlConnection connection) : IAsyncDisposable
    {
        private const long LockKey = 0x4855_4249_4E49_54; // "HUBINIT"

        public static async Task<PostgresTurn> TakeAsync(string connectionString, CancellationToken cancellationToken)
        {
            var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PostgresTurn(connection);
        }

        public async ValueTask DisposeAsync()
        {
            await using (var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection))
            {
                await command.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y') + "A7z"; // Identity wants upper, lower and digit

    [LoggerMessage(Level = LogLevel.Warning, Message = "First run: created workspace {Workspace} with admin {AdminEmail}")]
    private static partial void LogFirstRun(ILogger logger, string workspace, string adminEmail);
}
