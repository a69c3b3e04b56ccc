using Npgsql;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// The database the suite runs on: SQLite by default, PostgreSQL when <c>HUB_TEST_STORE=postgres</c>
/// (with the server from <c>HUB_TEST_POSTGRES</c>, which <c>scripts/test.sh</c> starts). The same tests
/// run on both; each fixture gets a database of its own and drops it afterwards.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=15432;Username=postgres;Database=postgres";

    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;
    private readonly string? _sqliteDirectory;

    private TestStore(string kind, string settingKey, string settingValue, string? admin, string? database, string? sqliteDirectory)
    {
        Kind = kind;
        SettingKey = settingKey;
        SettingValue = settingValue;
        _adminConnectionString = admin;
        _databaseName = database;
        _sqliteDirectory = sqliteDirectory;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Kind { get; }

    /// <summary>The configuration key that points Hub at this store, and its value.</summary>
    public string SettingKey { get; }

    public string SettingValue { get; }

    public static string Requested => Environment.GetEnvironmentVariable("HUB_TEST_STORE")?.ToLowerInvariant() ?? "sqlite";

    /// <summary>A fresh store of <paramref name="kind"/> (<c>sqlite</c> or <c>postgres</c>; default <see cref="Requested"/>).</summary>
    public static async Task<TestStore> CreateAsync(string? kind = null)
    {
        if ((kind ?? Requested) == "postgres")
        {
            var admin = Environment.GetEnvironmentVariable("HUB_TEST_POSTGRES") ?? DefaultPostgres;
            var name = $"hub_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                // No skipping here: asking for PostgreSQL and not getting it is a failure, loudly.
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            return new TestStore("postgres", "ConnectionStrings:Postgres", builder.ConnectionString, admin, name, null);
        }

        var directory = Directory.CreateTempSubdirectory("hub-test-").FullName;
        return new TestStore("sqlite", "Storage:SqlitePath", Path.Combine(directory, "hub.db"), null, null, directory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
