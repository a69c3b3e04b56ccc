using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>Email tracking: signed links, the hit queue and its writer, unsubscribe, stats.</summary>
public static class TrackingExtensions
{
    /// <summary>Rate-limit policy of the anonymous tracking endpoints (per client IP).</summary>
    public const string RateLimit = "tracking";

    public static IHostApplicationBuilder AddTracking(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TrackingOptions>().BindConfiguration(TrackingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TrackingSigner>();
        services.AddSingleton<TrackingLinks>();
        services.AddSingleton<TrackingHitQueue>();
        services.AddSingleton<TrackingHitWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TrackingHitWriter>());
        services.AddScoped<Unsubscriber>();
        services.AddScoped<TrackingStats>();
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(RateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ctx.RequestServices.GetRequiredService<IOptions<TrackingOptions>>().Value.RateLimitPerMinute,
                Window = TimeSpan.FromMinutes(1),
            })));
        return builder;
    }
}
