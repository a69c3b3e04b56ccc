using Hub.Server.Modules.Analytics.Api;
using Hub.Data.Postgres;
using Hub.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Analytics;

/// <summary>Registers analytics: the save interceptor, aggregator, reports, alerts and their background job.</summary>
public static class AnalyticsModule
{
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AnalyticsInterceptor>();
        services.ConfigureDbContext<SqliteHubDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<AnalyticsInterceptor>()));
        services.ConfigureDbContext<PostgresHubDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<AnalyticsInterceptor>()));
        services.AddSingleton<AnalyticsAggregator>();
        services.AddSingleton<AlertEvaluator>();
        services.AddScoped<AnalyticsReports>();
        services.AddHostedService<AnalyticsJobs>();
        return builder;
    }

    /// <summary>Reports, metrics and alert rules under <c>/api/v1/analytics</c>.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAnalyticsApi();
        return app;
    }
}

/// <summary>Folds analytics events every <see cref="AnalyticsOptions.AggregationInterval"/> and evaluates alerts every <see cref="AnalyticsOptions.AlertInterval"/>.</summary>
public sealed partial class AnalyticsJobs(AnalyticsAggregator aggregator, AlertEvaluator alerts, IOptions<AnalyticsOptions> options, TimeProvider clock, ILogger<AnalyticsJobs> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BackgroundJobs)
        {
            return;
        }

        var nextAlerts = clock.GetUtcNow() + options.Value.AlertInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.AggregationInterval, clock, stoppingToken);
                await aggregator.RunOnceAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextAlerts)
                {
                    nextAlerts = clock.GetUtcNow() + options.Value.AlertInterval;
                    await alerts.RunOnceAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics aggregation failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
