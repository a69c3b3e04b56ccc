using Hub.Server.Modules.Templates;
using Hub.Server.Modules.Delivery;
namespace Hub.Server.Modules.Notifications;

/// <summary>Registers preferences, Hub-initiated messages, the template renderer and the push sweep.</summary>
public static class NotificationsExtensions
{
    private static readonly string[] FallbackChannelNames = ["email", "sms", "whatsapp"];

    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.FallbackChannels.All(c => FallbackChannelNames.Contains(c, StringComparer.OrdinalIgnoreCase)),
                "Notifications:FallbackChannels may list only email, sms and whatsapp.")
            .ValidateOnStart();
        builder.Services.AddScoped<PreferenceChecker>();
        builder.Services.AddScoped<PushFallback>();
        builder.Services.AddSingleton<PushSweeper>();
        builder.Services.AddSingleton<TemplateRenderer>();
        if (builder.Configuration.GetValue($"{NotificationOptions.Section}:{nameof(NotificationOptions.RunSweeper)}", true))
        {
            builder.Services.AddHostedService<PushSweepService>();
        }

        return builder;
    }
}
