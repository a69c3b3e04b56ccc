using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Core.Realtime;
using Hub.Data;

namespace Hub.Server.Modules.Campaigns;

/// <summary>What one batch did (or a turn, added up).</summary>
public sealed record BatchSent(int Queued, int Skipped, int Deferred)
{
    public static BatchSent None { get; } = new(0, 0, 0);

    public static BatchSent operator +(BatchSent left, BatchSent right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.Queued + right.Queued, left.Skipped + right.Skipped, left.Deferred + right.Deferred);
    }
}

/// <summary>
/// Sends one batch of a run in ONE transaction: claims the due ledger rows, checks each recipient again right before
/// the send (a change since the expansion is honoured), sends each (<see cref="RecipientSender"/>) and commits, after
/// which delivery is woken and the live counters move. A crash rolls the whole batch back to waiting; a committed
/// batch is never claimed again. A pause or stop that arrives while the batch is written wins: the batch is undone.
/// </summary>
public sealed class BatchSender(UnitOfWork work, CampaignLedger ledger, RecipientChecks checks, RecipientSender sender, CampaignLive live, TimeProvider clock)
{
    /// <summary>Sends the next batch; null when no row is due, <see cref="BatchSent.None"/> when a pause undid it.</summary>
    public async Task<BatchSent?> SendNextAsync(Campaign campaign, IReadOnlyList<ChannelType> channels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);
        var rows = await ledger.ClaimDueAsync(campaign.Id, campaign.CurrentRun, SendPace.BatchSize(campaign.Settings), cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        var contacts = await ledger.ContactsOfAsync(rows, cancellationToken);
        var verdicts = await checks.CheckAsync(campaign, channels, contacts.Values, now, cancellationToken);
        int queued = 0, skipped = 0, deferred = 0, pushed = 0;
        foreach (var row in rows)
        {
            switch (await sender.SendAsync(campaign, channels, row, contacts[row.ContactId], verdicts[row.ContactId], now, cancellationToken))
            {
                case RecipientOutcome.Skipped:
                    skipped++;
                    break;
                case RecipientOutcome.Deferred:
                    deferred++;
                    break;
                case RecipientOutcome.Queued:
                    queued++;
                    break;
                case RecipientOutcome.Pushed:
                    queued++;
                    pushed++;
                    break;
            }
        }

        await ledger.SaveAsync(cancellationToken);
        if (!await ledger.IsStillRunningAsync(campaign.Id, cancellationToken))
        {
            await change.RollbackAsync(cancellationToken); // and its pushes are never sent
            ledger.Forget();
            return BatchSent.None;
        }

        live.Count(work, campaign.WorkspaceId, campaign.Id, CampaignAnalyticsTypes.Sent, human: false, pushed);
        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
        ledger.Forget();
        return new BatchSent(queued, skipped, deferred);
    }
}
