using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Modules.Contacts;
using Hub.Server.Modules.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns;

/// <summary>What the checks say about one recipient: send now, defer, or skip with a reason.</summary>
public sealed record RecipientVerdict(RecipientState State, string? Reason, string? Detail, DateTimeOffset? NotBefore, string? Address)
{
    /// <summary>The channel the verdict is for (the one chosen, for a multi-channel campaign).</summary>
    public ChannelType? Channel { get; init; }

    public static RecipientVerdict Send(string address) => new(RecipientState.Pending, null, null, null, address);

    public static RecipientVerdict Skip(string reason, string detail) => new(RecipientState.Skipped, reason, detail, null, null);

    /// <summary>
    /// Moves a ledger row that is still waiting as the verdict says: skipped or deferred, with the reason. A verdict to
    /// send leaves it waiting for the sender.
    /// </summary>
    public void ApplyTo(CampaignRecipient row, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        switch (State)
        {
            case RecipientState.Skipped:
                row.Skip(Reason ?? SkipReasons.NoChannel, Detail, now);
                break;
            case RecipientState.Deferred:
                row.Defer(Reason ?? SkipReasons.QuietHoursDeferred, Detail, NotBefore, now);
                break;
        }
    }
}

/// <summary>
/// Whether each contact of a batch may get a campaign message now: an address on the channel, not suppressed
/// (bounce, STOP), preferences and consent (<see cref="PreferencePolicy"/>), quiet hours (deferred to their end in
/// the contact's zone when the campaign respects them) and the campaign's frequency cap. Used when the audience is
/// written into the ledger and again right before each send, so a change in between is honoured. Push reaches a
/// contact with a user id (stored for the next device to connect when none is online).
/// </summary>
public sealed class RecipientChecks(HubDbContext db, IOptions<NotificationOptions> notifications)
{
    /// <summary>
    /// Picks each contact's channel from <paramref name="channels"/> in order: the first one the contact can be sent to
    /// now or after their quiet hours (deferred on that channel; quiet hours are the person's, not the channel's).
    /// A frequency cap skips whatever the channel. Reachable and allowed on none: skipped, <c>no_channel</c>, with
    /// each channel's reason in the detail.
    /// </summary>
    public async Task<Dictionary<Guid, RecipientVerdict>> CheckAsync(
        Campaign campaign, IReadOnlyList<ChannelType> channels, IReadOnlyCollection<Contact> contacts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(contacts);
        if (channels.Count == 1)
        {
            return await CheckAsync(campaign, channels[0], contacts, now, cancellationToken);
        }

        // A channel type the workspace has no active channel for reaches no one: fall through to the next.
        var configured = await db.Channels.AsNoTracking().Where(c => c.IsActive).Select(c => c.Type).Distinct().ToListAsync(cancellationToken);
        var perChannel = new List<(ChannelType Channel, Dictionary<Guid, RecipientVerdict> Verdicts)>();
        foreach (var channel in channels)
        {
            perChannel.Add((channel, channel == ChannelType.Push || configured.Contains(channel)
                ? await CheckAsync(campaign, channel, contacts, now, cancellationToken)
                : contacts.ToDictionary(c => c.Id, _ => RecipientVerdict.Skip(SkipReasons.NoChannel, $"The workspace has no active {Name(channel)} channel.") with { Channel = channel })));
        }

        var verdicts = new Dictionary<Guid, RecipientVerdict>();
        foreach (var contact in contacts)
        {
            var all = perChannel.Select(p => p.Verdicts[contact.Id]).ToList();
            verdicts[contact.Id] = all.FirstOrDefault(v => v.State != RecipientState.Skipped)
                ?? all.FirstOrDefault(v => v.Reason == SkipReasons.FrequencyCap)
                ?? RecipientVerdict.Skip(SkipReasons.NoChannel, Truncate("No channel reaches the contact: "
                    + string.Join("; ", all.Select(v => $"{Name(v.Channel!.Value)}: {v.Reason}")) + "."));
        }

        return verdicts;
    }

    /// <summary>A channel's name as campaigns and preferences spell it (<c>email</c>, <c>sms</c>, <c>whatsapp</c>, <c>push</c>).</summary>
    public static string Name(ChannelType channel) => channel.ToString().ToLowerInvariant();

    private static string Truncate(string detail) => TextCut.Cut(detail, 1000);

    /// <summary>Checks every contact for one channel.</summary>
    public async Task<Dictionary<Guid, RecipientVerdict>> CheckAsync(
        Campaign campaign, ChannelType channel, IReadOnlyCollection<Contact> contacts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(contacts);
        var ids = contacts.Select(c => c.Id).ToList();
        var identities = await db.ContactIdentities.AsNoTracking().Where(i => ids.Contains(i.ContactId) && i.ChannelType == channel)
            .OrderBy(i => i.CreatedAt).Select(i => new { i.ContactId, i.Address }).ToListAsync(cancellationToken);
        var identityOf = new Dictionary<Guid, string>();
        foreach (var identity in identities)
        {
            identityOf[identity.ContactId] = identity.Address; // latest wins, as ContactResolver.AddressOfAsync picks it
        }

        var addresses = contacts.ToDictionary(c => c.Id, c => channel == ChannelType.Push ? c.ExternalId : identityOf.GetValueOrDefault(c.Id) ?? channel switch
        {
            ChannelType.Email => c.Email,
            ChannelType.Sms or ChannelType.WhatsApp => c.Phone,
            _ => null,
        });
        var wanted = addresses.Values.OfType<string>().ToList();
        var suppressed = await db.Suppressions.AsNoTracking().Where(s => s.Channel == channel && wanted.Contains(s.Address))
            .ToDictionaryAsync(s => s.Address, s => s.Reason, cancellationToken);
        var preferences = await db.NotificationPreferences.AsNoTracking().Where(p => ids.Contains(p.ContactId))
            .ToDictionaryAsync(p => p.ContactId, cancellationToken);
        var recent = await RecentCountsAsync(campaign, ids, now, cancellationToken);
        var channelName = channel.ToString().ToLowerInvariant();
        var critical = notifications.Value.IsCritical(campaign.Category);

        var verdicts = new Dictionary<Guid, RecipientVerdict>();
        foreach (var contact in contacts)
        {
            verdicts[contact.Id] = Check(contact) with { Channel = channel };
        }

        return verdicts;

        RecipientVerdict Check(Contact contact)
        {
            if (addresses[contact.Id] is not { Length: > 0 } address)
            {
                return RecipientVerdict.Skip(SkipReasons.NoAddress, channel == ChannelType.Push
                    ? "The contact has no user id, so no device can receive a push."
                    : $"The contact has no {channelName} address.");
            }

            if (suppressed.TryGetValue(address, out var why))
            {
                var bounced = why.Contains("bounce", StringComparison.OrdinalIgnoreCase);
                return RecipientVerdict.Skip(bounced ? SkipReasons.Bounced : SkipReasons.Suppressed, $"{address} is suppressed on {channelName}: {why}");
            }

            var zone = contact.TimeZoneOrUtc();
            var verdict = PreferencePolicy.Check(preferences.GetValueOrDefault(contact.Id), channelName, campaign.Category, critical, zone, now);
            switch (verdict.Kind)
            {
                case PreferenceVerdictKind.Blocked:
                    return RecipientVerdict.Skip(SkipReasons.FromPreference(verdict.Code), verdict.Reason);
                case PreferenceVerdictKind.Deferred when campaign.Settings.RespectQuietHours:
                    return new RecipientVerdict(RecipientState.Deferred, SkipReasons.QuietHoursDeferred, verdict.Reason, verdict.Until, address);
            }

            if (campaign.Settings.FrequencyCap > 0 && recent.GetValueOrDefault(contact.Id) >= campaign.Settings.FrequencyCap)
            {
                return RecipientVerdict.Skip(SkipReasons.FrequencyCap,
                    $"The contact already got {campaign.Settings.FrequencyCap} campaign message(s) within {campaign.Settings.FrequencyCapWindow}.");
            }

            return RecipientVerdict.Send(address);
        }
    }

    /// <summary>Campaign messages each contact got from other campaigns (or runs) within the frequency cap's window.</summary>
    private async Task<Dictionary<Guid, int>> RecentCountsAsync(Campaign campaign, List<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (campaign.Settings.FrequencyCap <= 0 || !RuleDuration.TryParse(campaign.Settings.FrequencyCapWindow, out var window))
        {
            return [];
        }

        var since = now - window;
        var id = campaign.Id;
        var run = campaign.CurrentRun;
        var rows = await db.CampaignRecipients.AsNoTracking()
            .Where(r => ids.Contains(r.ContactId) && r.QueuedAt != null && r.QueuedAt >= since && !(r.CampaignId == id && r.Run == run))
            .Select(r => r.ContactId).ToListAsync(cancellationToken);
        return rows.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
    }
}
