using Hub.Server.Modules.Channels.Api;
using Hub.Server.Modules.Channels.Chat;
using Hub.Server.Modules.Channels.Email;
using Hub.Server.Modules.Channels.Twilio;

namespace Hub.Server.Modules.Channels;

/// <summary>The channels a workspace talks on: mailboxes (email), numbers (Twilio SMS/WhatsApp) and chat widgets.</summary>
public static class ChannelsModule
{
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEmail();
        builder.AddTwilio();
        builder.AddChannelChecks();
        return builder;
    }

    /// <summary><c>/api/v1/channels</c>, the chat widget's API, and the providers' webhooks.</summary>
    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapChannelsApi();
        app.MapWidgetApi();
        app.MapEmailWebhooks();
        app.MapTwilioWebhooks();
        return app;
    }
}
