using Hub.Adapters.Sms;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Contacts;
using Hub.Server.Modules.Inbox;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Twilio;

/// <summary>
/// STOP and START from a customer: STOP suppresses their number on the channel type it came on (outbound replies and
/// campaigns then skip it), START lifts every suppression of that number there (Twilio lifts its own block on START too).
/// </summary>
internal static class TwilioConsent
{
    public static async Task ApplyAsync(IServiceProvider services, HubDbContext db, InboundMessage inbound, ConsentKeyword keyword, DateTimeOffset now, CancellationToken cancellationToken)
    {
        services.GetRequiredService<ScopedWorkspaceContext>().Use(inbound.WorkspaceId);
        var address = Addresses.Normalize(inbound.Channel, inbound.From);
        var existing = await db.Suppressions.Where(s => s.Channel == inbound.Channel && s.Address == address).ToListAsync(cancellationToken);
        switch (keyword.Change)
        {
            case ConsentChange.OptOut when existing.Count == 0:
                db.Suppressions.Add(new Suppression
                {
                    WorkspaceId = inbound.WorkspaceId,
                    Channel = inbound.Channel,
                    Address = address,
                    Reason = $"Replied {keyword.Keyword}",
                    CreatedAt = now,
                });
                break;
            case ConsentChange.OptIn when existing.Count > 0:
                db.Suppressions.RemoveRange(existing);
                break;
            default:
                return;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
