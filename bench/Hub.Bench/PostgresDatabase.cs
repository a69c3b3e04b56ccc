using Npgsql;

namespace Hub.Bench;

/// <summary>
/// A fresh, empty database on the PostgreSQL server the bench uses (<c>HUB_BENCH_POSTGRES</c>, default the one
/// <c>scripts/lib/services.sh start_postgres</c> starts on 127.0.0.1:15432), dropped again on dispose.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private PostgresDatabase(string server, string name, string connectionString)
    {
        _server = server;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Hub's <c>ConnectionStrings:Postgres</c> for the new database.</summary>
    public string ConnectionString { get; }

    public static string Server =>
        Environment.GetEnvironmentVariable("HUB_BENCH_POSTGRES") is { Length: > 0 } s ? s : "Host=127.0.0.1;Port=15432;Username=postgres;Database=postgres";

    public static async Task<PostgresDatabase> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{DateTime.UtcNow:yyyyMMddHHmmss}_{Random.Shared.Next(1000, 9999)}";
        await using (var connection = new NpgsqlConnection(Server))
        {
            try
            {
                await connection.OpenAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"PostgreSQL does not answer at '{Server}' (start it with `source scripts/lib/services.sh && start_postgres`, or set HUB_BENCH_POSTGRES): {ex.Message}", ex);
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(Server) { Database = name, MaxPoolSize = 100 };
        return new PostgresDatabase(Server, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"could not drop database {_name}: {ex.Message}");
        }
    }
}
