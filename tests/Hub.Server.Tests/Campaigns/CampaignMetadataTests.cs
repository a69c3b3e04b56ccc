using Hub.Core.Campaigns;
using Hub.Server.Modules.Campaigns;

namespace Hub.Server.Tests.Campaigns;

/// <summary>A campaign message carries what delivery and tracking need to find its ledger row.</summary>
public sealed class CampaignMetadataTests
{
    [Fact]
    public void A_message_names_its_campaign_ledger_row_run_and_variant()
    {
        var row = new CampaignRecipient { CampaignId = Guid.NewGuid(), Run = 3, ContactId = Guid.NewGuid(), Variant = "B" };

        var metadata = CampaignMetadata.Of(row);

        Assert.Equal(row.CampaignId, metadata[CampaignMetadata.CampaignId].GetGuid());
        Assert.Equal(row.Id, metadata[CampaignMetadata.RecipientId].GetGuid());
        Assert.Equal(3, metadata[CampaignMetadata.Run].GetInt32());
        Assert.Equal("B", metadata[CampaignMetadata.Variant].GetString());
    }

    [Fact]
    public void A_campaign_without_variants_says_so_with_a_null_variant()
    {
        var metadata = CampaignMetadata.Of(new CampaignRecipient { CampaignId = Guid.NewGuid() });

        Assert.Equal(System.Text.Json.JsonValueKind.Null, metadata[CampaignMetadata.Variant].ValueKind);
    }
}
