using Hub.Core.Contacts;
using Hub.Core.Notifications;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Notifications;

/// <summary>
/// Asks <see cref="PreferencePolicy"/> about one contact: loads their preferences (once per scope), resolves their
/// time zone and whether the category is critical, at the one clock.
/// </summary>
public sealed class PreferenceChecker(HubDbContext db, IOptions<NotificationOptions> options, TimeProvider clock)
{
    private readonly Dictionary<Guid, NotificationPreferences?> _loaded = [];

    /// <summary>What the contact's preferences say about a <paramref name="category"/> message on <paramref name="channel"/> now.</summary>
    public async Task<PreferenceVerdict> CheckAsync(Contact contact, string channel, string category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (!_loaded.TryGetValue(contact.Id, out var preferences))
        {
            preferences = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == contact.Id, cancellationToken);
            _loaded[contact.Id] = preferences;
        }

        return PreferencePolicy.Check(preferences, channel, category, options.Value.IsCritical(category), contact.TimeZoneOrUtc(), clock.GetUtcNow());
    }
}
