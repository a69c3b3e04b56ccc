using Hub.Adapters.Sms;

namespace Hub.Server.Modules.Channels.Twilio;

public static class TwilioExtensions
{
    /// <summary>
    /// SMS and WhatsApp over Twilio in the host: the sender (provider <c>twilio</c>) and the options the webhooks read
    /// (<c>Twilio:PublicBaseUrl</c>). Settings: section <c>Twilio</c>. Map the webhooks with <see cref="TwilioWebhooks.MapTwilioWebhooks"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTwilio(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTwilioChannel(builder.Configuration);
        return builder;
    }
}
