using Hub.Core.Campaigns;
using Hub.Web.Features.Campaigns;

namespace Hub.Web.Tests.Campaigns;

/// <summary>API answers the campaign tests declare.</summary>
internal static class CampaignSamples
{
    public static CampaignDto Campaign(Guid id, CampaignStatus status, string name = "Spring sale") => new(
        id, name, null, CampaignType.Email, null, status, "Spring is here", "Acme", "news@acme.test", Guid.NewGuid(), null, "marketing",
        new CampaignAudience { SegmentIds = [Guid.NewGuid()] }, new CampaignSchedule(), new CampaignSettings(), new CampaignVariants(), true, true, true,
        1, 3, null, DateTimeOffset.UnixEpoch, null, null, [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    public static CampaignStatsDto Stats(Guid id, CampaignStatus status, int sent = 0, int opensHuman = 0, int opensAll = 0, List<VariantStatsDto>? variants = null) => new(
        id, status, 1, 3, new LedgerCounts(3 - sent, 0, sent, 0, 0, 0), [], variants ?? [], new CampaignProgressDto(sent, 0, 3, sent == 0 ? 0 : 1),
        new TrackingCounts(opensAll, opensHuman, opensHuman, opensAll - opensHuman, 0), TrackingCounts.Zero, 0, null, DateTimeOffset.UtcNow);
}
