using Hub.Adapters.Email;
using Hub.Adapters.Email.Sending;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Email;

/// <summary>The active SMTP/IMAP email channels of every workspace, for the IMAP poller (a background job: no signed-in workspace).</summary>
public sealed class EmailChannelDirectory(HubDbContext db, ChannelSecrets secrets) : IEmailChannelDirectory
{
    public async Task<IReadOnlyList<EmailMailbox>> ListActiveAsync(CancellationToken cancellationToken)
    {
        var channels = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Type == ChannelType.Email && c.IsActive && c.Provider == SmtpSender.ProviderName)
            .ToListAsync(cancellationToken);
        return channels.Select(c => EmailMailbox.From(secrets.Revealed(c))).Where(m => m.Settings.ContainsKey("imap_host")).ToList();
    }
}
