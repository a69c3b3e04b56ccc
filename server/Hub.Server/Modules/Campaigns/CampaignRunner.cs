using Hub.Core.Campaigns;

namespace Hub.Server.Modules.Campaigns;

/// <summary>What one turn of the runner did.</summary>
public sealed record CampaignTurn(int Queued, int Skipped, int Deferred, bool Finished);

/// <summary>
/// Gives a running campaign one turn, sending each recipient exactly once across turns, restarts and nodes, in two
/// phases that can both be cut off and re-run:
/// <list type="number">
/// <item>Expand (<see cref="LedgerExpander"/>): the audience is written into the ledger, one row per contact per run,
/// already skipped or deferred where the checks say so. A re-run after a crash adds only what is missing.</item>
/// <item>Send (<see cref="BatchSender"/>): batch after batch of due rows is claimed and sent in one transaction each,
/// at the campaign's rate limit (<see cref="SendPace"/>). When none is due, the A/B winner may release the rows held
/// for it; when none waits at all, the run ends (<see cref="CampaignLifecycle.FinishRunAsync"/>).</item>
/// </list>
/// Pause and stop are seen between batches (and win over a batch being written). Use a fresh DI scope per turn.
/// </summary>
public sealed class CampaignRunner(
    CampaignLedger ledger,
    LedgerExpander expander,
    BatchSender batches,
    AbWinnerDecider abTest,
    CampaignLifecycle lifecycle,
    TimeProvider clock)
{
    /// <summary>Works on one running campaign until it is done, paused or stopped, or <paramref name="slice"/> is used up.</summary>
    public async Task<CampaignTurn> RunAsync(Guid campaignId, TimeSpan slice, CancellationToken cancellationToken)
    {
        if (await ledger.OpenRunningAsync(campaignId, cancellationToken) is not { } campaign)
        {
            return new CampaignTurn(0, 0, 0, false);
        }

        if (CampaignChannels.Of(campaign) is not { Count: > 0 } channels)
        {
            await lifecycle.FailAsync(campaign, "A multi-channel campaign needs channels: push, email, sms or whatsapp, in the order to try them.", cancellationToken);
            return new CampaignTurn(0, 0, 0, true);
        }

        if (campaign.ExpandedAt is null)
        {
            await expander.ExpandAsync(campaign, channels, cancellationToken);
            await lifecycle.MarkExpandedAsync(campaign, cancellationToken);
        }

        var deadline = clock.GetUtcNow() + slice;
        var sent = BatchSent.None;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Pause and stop take effect here, between batches: what is committed is queued, the rest waits.
            if (await ledger.StatusAsync(campaign.Id, cancellationToken) != CampaignStatus.Running)
            {
                return Turn(sent, finished: false);
            }

            var started = clock.GetUtcNow();
            if (await batches.SendNextAsync(campaign, channels, cancellationToken) is not { } batch)
            {
                if (await abTest.DecideIfDueAsync(campaign, cancellationToken) is not null)
                {
                    continue; // the A/B winner was chosen: the recipients held for it are waiting now
                }

                // Deferred rows keep the run open until their quiet hours end (or an A/B winner releases them).
                var finished = !await ledger.HasUnsentAsync(campaign.Id, campaign.CurrentRun, cancellationToken)
                    && await lifecycle.FinishRunAsync(campaign, cancellationToken);
                return Turn(sent, finished);
            }

            sent += batch;
            var pause = SendPace.PauseAfter(campaign.Settings, batch.Queued, clock.GetUtcNow() - started);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, clock, cancellationToken);
            }

            if (clock.GetUtcNow() >= deadline)
            {
                break;
            }
        }

        return Turn(sent, finished: false);
    }

    private static CampaignTurn Turn(BatchSent sent, bool finished) => new(sent.Queued, sent.Skipped, sent.Deferred, finished);
}
