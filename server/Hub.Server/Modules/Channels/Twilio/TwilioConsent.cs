using Hub.Adapters.Sms;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Modules.Contacts;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Twilio;

/// <summary>
/// STOP and START from a customer: STOP suppresses their number on the channel type it came on (outbound replies and
/// campaigns then skip it), START lifts every suppression of that number there (Twilio lifts its own block on START too).
/// It runs inside the inbox's transaction for the message (<see cref="IInboundProcessor.ReceiveAsync"/>), so the message
/// and the consent it asks for are saved together or not at all: a STOP is never stored without its suppression.
/// </summary>
internal static class TwilioConsent
{
    /// <summary>The consent change as a step of the inbound transaction, or null when the message asks none.</summary>
    public static InboundStep? StepFor(HubDbContext db, InboundMessage inbound, ConsentKeyword keyword, DateTimeOffset now) =>
        keyword.ChangesConsent ? (_, cancellationToken) => ApplyAsync(db, inbound, keyword, now, cancellationToken) : null;

    /// <summary>Saves the change on <paramref name="db"/>, the context (and transaction) the inbox stored the message with.</summary>
    private static async Task ApplyAsync(HubDbContext db, InboundMessage inbound, ConsentKeyword keyword, DateTimeOffset now, CancellationToken cancellationToken)
    {
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
