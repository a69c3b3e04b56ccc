using Hub.Adapters.Email;
using Hub.Adapters.Email.Inbound;

namespace Hub.Server.Modules.Channels.Email;

public static class EmailExtensions
{
    /// <summary>
    /// The email channel in the host: the SMTP sender, the IMAP poller over the channels in the database, and
    /// what the inbound webhook needs. Settings: section <c>Email</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEmailChannel(builder.Configuration);
        builder.Services.AddScoped<IEmailChannelDirectory, EmailChannelDirectory>();
        builder.Services.AddScoped<IMailboxLease, MailboxLease>();
        return builder;
    }
}
