using Hub.Server.Modules.Notifications.Api;
namespace Hub.Server.Modules.Notifications;

/// <summary>Push notifications: the notification center, preferences, fallback to email/SMS and the push sweep.</summary>
public static class NotificationsModule
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
        builder.Services.AddScoped<NotificationCenter>();
        if (builder.Configuration.GetValue($"{NotificationOptions.Section}:{nameof(NotificationOptions.RunSweeper)}", true))
        {
            builder.Services.AddHostedService<PushSweepService>();
        }

        return builder;
    }

    /// <summary><c>/api/v1/notifications</c>.</summary>
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapNotificationsApi();
        return app;
    }
}
