using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// Writes a run's audience into its send ledger, in batches, before anything is sent: one row per contact, already
/// skipped or deferred where the <see cref="RecipientChecks"/> say so, with its A/B variant (or held for the winner).
/// Safe to cut off and run again: a re-run adds only the contacts that have no row yet.
/// </summary>
public sealed class LedgerExpander(CampaignLedger ledger, AudienceQuery audience, RecipientChecks checks, IOptions<CampaignOptions> options, TimeProvider clock)
{
    /// <summary>Adds every contact of the audience that the current run has no row for yet.</summary>
    public async Task ExpandAsync(Campaign campaign, IReadOnlyList<ChannelType> channels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var filters = await audience.FiltersOfAsync(campaign, cancellationToken);
        await foreach (var contacts in audience.BatchesAsync(filters, options.Value.ExpandBatchSize, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var present = await ledger.ContactsInRunAsync(campaign.Id, campaign.CurrentRun, contacts.Select(c => c.Id), cancellationToken);
                var fresh = contacts.Where(c => !present.Contains(c.Id)).ToList();
                if (fresh.Count == 0)
                {
                    break;
                }

                var now = clock.GetUtcNow();
                var verdicts = await checks.CheckAsync(campaign, channels, fresh, now, cancellationToken);
                try
                {
                    await ledger.AddAsync([.. fresh.Select(c => NewRow(campaign, c.Id, verdicts[c.Id], now))], cancellationToken);
                    break;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another runner wrote some of these rows first; the unique key kept one of each. Look again.
                }
            }
        }
    }

    /// <summary>
    /// A contact's ledger row in the campaign's current run, as the checks found it: skipped or deferred with the
    /// reason, or waiting; its A/B variant, or held for the winner when outside the test cohort (unless skipped).
    /// </summary>
    public static CampaignRecipient NewRow(Campaign campaign, Guid contactId, RecipientVerdict verdict, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(verdict);
        var (variant, held) = VariantSplit.Assign(campaign.Variants, contactId);
        var row = new CampaignRecipient
        {
            CampaignId = campaign.Id,
            Run = campaign.CurrentRun,
            ContactId = contactId,
            Variant = variant,
            Address = verdict.Address,
            Channel = verdict.Channel,
            CreatedAt = now,
            UpdatedAt = now,
        };
        verdict.ApplyTo(row, now);
        if (held && row.State != RecipientState.Skipped)
        {
            row.HoldForWinner(now);
        }

        return row;
    }
}
