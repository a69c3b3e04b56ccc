using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Server.Modules.Campaigns;

namespace Hub.Server.Tests.Campaigns;

/// <summary>How a contact's ledger row starts out, from the checks' verdict and the A/B split.</summary>
public sealed class LedgerExpanderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    private static Campaign Campaign(CampaignVariants? variants = null) => new()
    {
        Name = "Spring",
        CurrentRun = 2,
        Variants = variants ?? new CampaignVariants { Items = [new CampaignVariant { Name = "A" }] },
    };

    /// <summary>Two variants and a test cohort of 0 %: every contact is outside it.</summary>
    private static CampaignVariants NobodyInTheTest() => new()
    {
        Items = [new CampaignVariant { Name = "A", Weight = 1 }, new CampaignVariant { Name = "B", Weight = 1 }],
        TestPercent = 0,
    };

    [Fact]
    public void A_contact_to_send_to_waits_in_the_current_run_with_its_address_channel_and_variant()
    {
        var campaign = Campaign();
        var contact = Guid.NewGuid();

        var row = LedgerExpander.NewRow(campaign, contact, RecipientVerdict.Send("ann@example.com") with { Channel = ChannelType.Email }, Now);

        Assert.Equal(RecipientState.Pending, row.State);
        Assert.Equal((campaign.Id, 2, contact), (row.CampaignId, row.Run, row.ContactId));
        Assert.Equal("ann@example.com", row.Address);
        Assert.Equal(ChannelType.Email, row.Channel);
        Assert.Equal("A", row.Variant);
        Assert.Equal((Now, Now), (row.CreatedAt, row.UpdatedAt));
    }

    [Fact]
    public void A_contact_in_quiet_hours_is_deferred_to_their_end()
    {
        var verdict = new RecipientVerdict(RecipientState.Deferred, SkipReasons.QuietHoursDeferred, "quiet hours", Now.AddHours(9), "+15550100") { Channel = ChannelType.Sms };

        var row = LedgerExpander.NewRow(Campaign(), Guid.NewGuid(), verdict, Now);

        Assert.Equal(RecipientState.Deferred, row.State);
        Assert.Equal(SkipReasons.QuietHoursDeferred, row.Reason);
        Assert.Equal(Now.AddHours(9), row.NotBefore);
        Assert.Equal("+15550100", row.Address);
    }

    [Fact]
    public void A_contact_outside_the_A_B_test_cohort_is_held_for_the_winner_with_no_variant_yet()
    {
        var row = LedgerExpander.NewRow(Campaign(NobodyInTheTest()), Guid.NewGuid(), RecipientVerdict.Send("ann@example.com"), Now);

        Assert.Equal(RecipientState.Deferred, row.State);
        Assert.Equal(VariantSplit.HeldForWinner, row.Reason);
        Assert.Null(row.NotBefore);
        Assert.Null(row.Variant);
    }

    [Fact]
    public void A_skipped_contact_outside_the_cohort_stays_skipped_with_its_reason()
    {
        var row = LedgerExpander.NewRow(Campaign(NobodyInTheTest()), Guid.NewGuid(), RecipientVerdict.Skip(SkipReasons.Suppressed, "ann@example.com is suppressed"), Now);

        Assert.Equal(RecipientState.Skipped, row.State);
        Assert.Equal(SkipReasons.Suppressed, row.Reason);
    }
}
