using Hub.Server.Modules.Webhooks.Api;
using System.Net;
using Hub.Server.Modules.Delivery;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Webhooks;

/// <summary>Registers outbound webhooks (the publisher and the dispatcher) and the guarded sender they and rules use.</summary>
public static class WebhooksModule
{
    /// <summary>Customers' endpoints get Hub's events, signed and retried (<c>Webhooks</c> settings).</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddScoped<WebhookPublisher>();
        services.AddScoped<WebhookDispatcher>();
        services.AddScoped<IMessageStatusObserver, WebhookStatusObserver>();
        services.AddSignedWebhookSender();
        if (builder.Configuration.GetValue($"{WebhookOptions.Section}:{nameof(WebhookOptions.Enabled)}", true))
        {
            services.AddHostedService<WebhookWorker>();
        }

        return builder;
    }

    /// <summary>
    /// The guarded, signing HTTP client every webhook goes out through (outbound subscriptions and rule actions), with
    /// the <c>Webhooks</c> settings it reads (<c>AllowPrivateTargets</c>, <c>Timeout</c>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSignedWebhookSender(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(SignedWebhookSender)))
        {
            return services;
        }

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SignedWebhookSender>();
        services.AddHttpClient(SignedWebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WebhookOptions>>();
                return new SocketsHttpHandler
                {
                    // A redirect would be a second, unchecked destination; a proxy would hide the real one.
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    UseCookies = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                    ConnectTimeout = options.CurrentValue.Timeout,
                    ConnectCallback = (context, token) => WebhookTargetGuard.ConnectAsync(context.DnsEndPoint, options.CurrentValue.AllowPrivateTargets, token),
                };
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan); // each caller applies its own timeout per POST
        return services;
    }

    /// <summary>Webhook subscriptions and their deliveries.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapWebhooksApi();
        return app;
    }
}
