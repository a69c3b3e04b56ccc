using Hub.Server.Templates;

namespace Hub.Server.Notifications;

/// <summary>Registers preferences, Hub-initiated messages and the template renderer.</summary>
public static class NotificationsExtensions
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ContactMessenger>();
        builder.Services.AddSingleton<TemplateRenderer>();
        return builder;
    }
}
