using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Contacts;

/// <summary>
/// Finds the one contact behind an address: by a known channel identity, else by the contact's email or
/// phone (so SMS and WhatsApp from one number, or mail to two mailboxes, meet in one contact), else a new
/// contact. Every address seen becomes an identity of its contact.
/// </summary>
public sealed class ContactResolver(HubDbContext db, TimeProvider clock)
{
    /// <summary>The contact's phone column. A longer "number" (no real one is) is kept as the contact's identity only.</summary>
    private const int MaxPhone = 32;

    public async Task<Contact> ResolveAsync(ChannelType channel, string rawAddress, string? displayName, CancellationToken cancellationToken)
    {
        var address = Addresses.Normalize(channel, rawAddress);
        var identity = await db.ContactIdentities.FirstOrDefaultAsync(i => i.ChannelType == channel && i.Address == address, cancellationToken);
        if (identity is not null)
        {
            return await db.Contacts.FirstAsync(c => c.Id == identity.ContactId, cancellationToken);
        }

        var contact = channel switch
        {
            ChannelType.Email => await db.Contacts.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(c => c.Email == address, cancellationToken),
            ChannelType.Sms or ChannelType.WhatsApp => await db.Contacts.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(c => c.Phone == address, cancellationToken),
            ChannelType.Chat => await db.Contacts.FirstOrDefaultAsync(c => c.ExternalId == address, cancellationToken),
            _ => null,
        };
        var now = clock.GetUtcNow();
        if (contact is null)
        {
            var (first, last) = SplitName(displayName);
            contact = new Contact
            {
                FirstName = first,
                LastName = last,
                Email = channel == ChannelType.Email ? address : null,
                Phone = channel is ChannelType.Sms or ChannelType.WhatsApp && address.Length <= MaxPhone ? address : null,
                ExternalId = channel == ChannelType.Chat ? address : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Contacts.Add(contact);
        }

        db.ContactIdentities.Add(new ContactIdentity { ContactId = contact.Id, ChannelType = channel, Address = address, CreatedAt = now });
        return contact;
    }

    /// <summary>The address to reach <paramref name="contactId"/> on <paramref name="channel"/>, or null when there is none.</summary>
    public async Task<string?> AddressOfAsync(Guid contactId, ChannelType channel, CancellationToken cancellationToken) =>
        (await AddressesOfAsync([contactId], channel, cancellationToken)).GetValueOrDefault(contactId);

    /// <summary>
    /// The address to reach each of <paramref name="contactIds"/> on <paramref name="channel"/> (the newest identity
    /// there, else the contact's own email / phone / external id), in two queries however many there are; contacts
    /// with none are left out.
    /// </summary>
    public async Task<Dictionary<Guid, string>> AddressesOfAsync(IReadOnlyCollection<Guid> contactIds, ChannelType channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var ids = contactIds.Distinct().ToList();
        var identities = await db.ContactIdentities.Where(i => ids.Contains(i.ContactId) && i.ChannelType == channel)
            .Select(i => new { i.ContactId, i.Address, i.CreatedAt }).ToListAsync(cancellationToken);
        var addresses = identities.GroupBy(i => i.ContactId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(i => i.CreatedAt).First().Address);
        var rest = ids.Where(id => !addresses.ContainsKey(id)).ToList();
        if (rest.Count == 0)
        {
            return addresses;
        }

        var own = await db.Contacts.AsNoTracking().Where(c => rest.Contains(c.Id))
            .Select(c => new { c.Id, c.Email, c.Phone, c.ExternalId }).ToListAsync(cancellationToken);
        foreach (var contact in own)
        {
            var address = channel switch
            {
                ChannelType.Email => contact.Email,
                ChannelType.Sms or ChannelType.WhatsApp => contact.Phone,
                ChannelType.Chat => contact.ExternalId,
                _ => null,
            };
            if (address is not null)
            {
                addresses[contact.Id] = address;
            }
        }

        return addresses;
    }

    private static (string? First, string? Last) SplitName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, null);
        }

        var parts = name.Trim().Trim('"').Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }
}
