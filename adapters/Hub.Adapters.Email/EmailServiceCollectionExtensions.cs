using Hub.Adapters.Email.Inbound;
using Hub.Adapters.Email.Sending;
using Hub.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Hub.Adapters.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// The email channel: <see cref="SmtpSender"/> as an <see cref="IChannelSender"/> (provider <c>smtp</c>) over a
    /// pooled connection, <see cref="MailIntake"/> for received mail, and the <see cref="ImapPoller"/>, which reads
    /// the mailboxes an <see cref="IEmailChannelDirectory"/> (registered by the host) lists. Options: section <c>Email</c>.
    /// </summary>
    public static IServiceCollection AddEmailChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EmailMetrics>();
        services.TryAddSingleton<SmtpConnectionPool>();
        services.TryAddSingleton<SmtpSender>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChannelSender, SmtpSender>(sp => sp.GetRequiredService<SmtpSender>()));
        services.TryAddScoped<MailIntake>();
        services.AddSingleton<ImapPoller>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ImapPoller>());
        return services;
    }
}
