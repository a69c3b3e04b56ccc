using Hub.Core.Campaigns;
using Hub.Core.Channels;

namespace Hub.Server.Modules.Campaigns;

/// <summary>The channels a campaign sends on: its type's one channel, or a multi-channel campaign's list.</summary>
public static class CampaignChannels
{
    /// <summary>The channel names a multi-channel campaign may list, and what they send on.</summary>
    public static readonly IReadOnlyDictionary<string, ChannelType> Names = new Dictionary<string, ChannelType>(StringComparer.Ordinal)
    {
        ["push"] = ChannelType.Push,
        ["email"] = ChannelType.Email,
        ["sms"] = ChannelType.Sms,
        ["whatsapp"] = ChannelType.WhatsApp,
    };

    /// <summary>
    /// The channels <paramref name="campaign"/> sends on, in the order to try them: its type's one channel, or a
    /// multi-channel campaign's list (unknown names dropped, duplicates once). Empty when there is nothing to send on.
    /// </summary>
    public static IReadOnlyList<ChannelType> Of(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return campaign.Type switch
        {
            CampaignType.Email => [ChannelType.Email],
            CampaignType.Sms => [ChannelType.Sms],
            CampaignType.WhatsApp => [ChannelType.WhatsApp],
            CampaignType.Push => [ChannelType.Push],
            _ => [.. campaign.Channels.Select(n => Names.TryGetValue(n, out var c) ? c : (ChannelType?)null).OfType<ChannelType>().Distinct()],
        };
    }
}
