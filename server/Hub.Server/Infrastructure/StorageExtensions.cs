using Hub.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure;

/// <summary>The database (PostgreSQL when configured, else embedded SQLite) and, when configured, Redis.</summary>
public static class StorageExtensions
{
    /// <summary>Connection string names under <c>ConnectionStrings</c>.</summary>
    public const string PostgresName = "Postgres";
    public const string RedisName = "Redis";

    public static IHostApplicationBuilder AddHubStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);

        var postgres = builder.Configuration.GetConnectionString(PostgresName);
        var sqlitePath = builder.Configuration.GetValue<string>($"{StorageOptions.Section}:{nameof(StorageOptions.SqlitePath)}") ?? new StorageOptions().SqlitePath;
        sqlitePath = Path.GetFullPath(sqlitePath, builder.Environment.ContentRootPath);
        if (string.IsNullOrWhiteSpace(postgres))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(sqlitePath)!);
        }

        var sqlite = new SqliteConnectionStringBuilder { DataSource = sqlitePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        builder.Services.AddHubData(postgres, sqlite);
        builder.Services.AddScoped<Hub.Core.Channels.IChannelStateStore, Hub.Data.Channels.ChannelStateStore>();
        // Keys live in the database, so cookies signed by one node are read by every other.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Hub").PersistKeysToDbContext<HubDbContext>();
        var keyRing = builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        if (keyRing.LoadCertificates(builder.Environment.ContentRootPath) is { } certificates)
        {
            // New keys are encrypted to the current certificate; keys encrypted to an earlier one stay readable.
            dataProtection.ProtectKeysWithCertificate(certificates.Current).UnprotectKeysWithAnyCertificate(certificates.All);
        }

        builder.Services.AddSingleton<ChannelSecrets>(); // channel credentials, encrypted with that key ring

        var health = builder.Services.AddHealthChecks()
            .AddDbContextCheck<HubDbContext>("database", tags: [Health.HealthExtensions.ReadyTag]);

        var redis = builder.Configuration.GetConnectionString(RedisName);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            health.AddCheck<Health.RedisHealthCheck>("redis", tags: [Health.HealthExtensions.ReadyTag]);
        }

        return builder;
    }
}
