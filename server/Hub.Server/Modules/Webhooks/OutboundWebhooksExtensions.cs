using System.Net;
using Hub.Server.Modules.Delivery;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Webhooks;

/// <summary>Registers outbound webhooks: the publisher, the dispatcher and its SSRF-guarded HTTP client.</summary>
public static class OutboundWebhooksExtensions
{
    /// <summary>Customers' endpoints get Hub's events, signed and retried (<c>Webhooks</c> settings).</summary>
    public static IHostApplicationBuilder AddOutboundWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<WebhookPublisher>();
        services.AddScoped<WebhookDispatcher>();
        services.AddScoped<IMessageStatusObserver, WebhookStatusObserver>();
        services.AddHttpClient(WebhookDispatcher.ClientName)
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
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan); // the dispatcher applies Webhooks:Timeout itself
        if (builder.Configuration.GetValue($"{WebhookOptions.Section}:{nameof(WebhookOptions.Enabled)}", true))
        {
            services.AddHostedService<WebhookWorker>();
        }

        return builder;
    }
}
