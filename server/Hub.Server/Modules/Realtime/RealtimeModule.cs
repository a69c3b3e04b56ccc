using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Members;
using Hub.Data.Realtime;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Hub.Server.Modules.Realtime;

/// <summary>SignalR hubs, their protocols, presence and (with Redis) the backplane.</summary>
public static class RealtimeModule
{
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var signalR = services.AddSignalR(o =>
            {
                // Big enough that an oversize chat message gets a readable refusal instead of a closed connection.
                o.MaximumReceiveMessageSize = 256 * 1024;
                o.EnableDetailedErrors = false;
                o.AddFilter<HubGuardFilter>();
            })
            .AddJsonProtocol(o =>
            {
                o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            })
            .AddMessagePackProtocol();

        var redis = builder.Configuration.GetConnectionString(StorageExtensions.RedisName);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            signalR.AddStackExchangeRedis(o =>
            {
                o.Configuration = ConfigurationOptions.Parse(redis);
                o.Configuration.AbortOnConnectFail = false;
                o.Configuration.ChannelPrefix = RedisChannel.Literal("hub");
            });
            // The backplane, but a node keeps serving its own connections while Redis is down.
            services.AddSingleton(typeof(HubLifetimeManager<>), typeof(LocalFallbackHubLifetimeManager<>));
            services.AddSingleton<RedisPresenceTracker>();
            services.AddSingleton<IPresenceTracker>(sp => sp.GetRequiredService<RedisPresenceTracker>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisPresenceTracker>());
        }
        else
        {
            services.AddSingleton<IPresenceTracker, InMemoryPresenceTracker>();
        }

        services.AddSingleton<HubGuardFilter>();
        services.AddSingleton<RealtimeDispatcher>();
        services.AddSingleton<TypingTracker>();
        services.AddScoped<EventStreamStore>();
        services.AddScoped<RealtimeBatch>();
        return builder;
    }
}
