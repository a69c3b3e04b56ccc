using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Server.Modules.Campaigns;

namespace Hub.Server.Tests.Campaigns;

/// <summary>Which channels a campaign sends on, and in what order a multi-channel one tries them.</summary>
public sealed class CampaignChannelsTests
{
    [Theory]
    [InlineData(CampaignType.Email, ChannelType.Email)]
    [InlineData(CampaignType.Sms, ChannelType.Sms)]
    [InlineData(CampaignType.WhatsApp, ChannelType.WhatsApp)]
    [InlineData(CampaignType.Push, ChannelType.Push)]
    public void A_single_channel_campaign_sends_on_its_type_whatever_its_list_says(CampaignType type, ChannelType channel)
    {
        var campaign = new Campaign { Name = "Spring", Type = type, Channels = ["push", "sms"] };

        Assert.Equal(new[] { channel }, CampaignChannels.Of(campaign));
    }

    [Fact]
    public void A_multi_channel_campaign_tries_its_list_in_order_each_channel_once_unknown_names_dropped()
    {
        var campaign = new Campaign { Name = "Spring", Type = CampaignType.MultiChannel, Channels = ["push", "fax", "email", "push", "sms"] };

        Assert.Equal(new[] { ChannelType.Push, ChannelType.Email, ChannelType.Sms }, CampaignChannels.Of(campaign));
    }

    [Fact]
    public void A_multi_channel_campaign_naming_no_known_channel_has_nothing_to_send_on()
    {
        var campaign = new Campaign { Name = "Spring", Type = CampaignType.MultiChannel, Channels = ["fax", "Email"] };

        Assert.Empty(CampaignChannels.Of(campaign));
    }
}
