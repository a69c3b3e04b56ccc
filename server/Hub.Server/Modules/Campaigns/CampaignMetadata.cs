using System.Text.Json;
using Hub.Core.Campaigns;

namespace Hub.Server.Modules.Campaigns;

/// <summary>The metadata keys a campaign message carries, so delivery and tracking can find its ledger row.</summary>
public static class CampaignMetadata
{
    public const string CampaignId = "campaign_id";
    public const string RecipientId = "recipient_id";
    public const string Run = "campaign_run";
    public const string Variant = "variant";

    /// <summary>The metadata of the message (or push notification) sent for <paramref name="row"/>.</summary>
    public static Dictionary<string, JsonElement> Of(CampaignRecipient row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new Dictionary<string, JsonElement>
        {
            [CampaignId] = JsonSerializer.SerializeToElement(row.CampaignId),
            [RecipientId] = JsonSerializer.SerializeToElement(row.Id),
            [Run] = JsonSerializer.SerializeToElement(row.Run),
            [Variant] = JsonSerializer.SerializeToElement(row.Variant),
        };
    }
}
