using Hub.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Sms;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// The SMS and WhatsApp channel over Twilio: <see cref="TwilioSender"/> as an <see cref="IChannelSender"/> (provider
    /// <c>twilio</c>) on a typed <see cref="TwilioClient"/>. Options: section <c>Twilio</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddTwilioChannel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>()
            .Bind(configuration.GetSection(TwilioOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<TwilioClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<TwilioOptions>>().Value;
            var baseUrl = options.BaseUrl.AbsoluteUri;
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            http.Timeout = options.RequestTimeout;
        });
        // Transient like the typed client it holds, so the factory's handler rotation (DNS changes) reaches it.
        services.TryAddEnumerable(ServiceDescriptor.Transient<IChannelSender, TwilioSender>());
        return services;
    }
}
