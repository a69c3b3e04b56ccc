using Hub.Core.Delivery;
using Hub.Server.Infrastructure;
using StackExchange.Redis;

namespace Hub.Server.Modules.Delivery;

/// <summary>The outbox, its workers, rate limits, status callbacks and the dev sink.</summary>
public static class DeliveryModule
{
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DeliverySignal>();
        services.AddScoped<OutboxClaimer>();
        services.AddScoped<DeliveryProcessor>();
        services.AddScoped<OutboundWriter>();
        services.AddScoped<IDeliveryStatusSink, DeliveryStatusSink>();
        services.AddSingleton<IChannelSender, DevSinkSender>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(StorageExtensions.RedisName)))
        {
            services.AddSingleton<IDeliveryRateLimiter>(sp => new RedisDeliveryRateLimiter(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton<IDeliveryRateLimiter, InMemoryDeliveryRateLimiter>();
        }

        if (builder.Configuration.GetValue($"{DeliveryOptions.Section}:{nameof(DeliveryOptions.Enabled)}", true))
        {
            services.AddHostedService<DeliveryWorker>();
        }

        return builder;
    }
}
