using System.Text.Json;
using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Data.Claims;
using Hub.Server.Auth;
using Hub.Server.Modules.Delivery;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns;

/// <summary>What one turn of the runner did.</summary>
public sealed record CampaignTurn(int Queued, int Skipped, int Deferred, bool Finished);

/// <summary>
/// Sends a running campaign, exactly once per recipient, in two phases that can both be cut off and re-run:
/// <list type="number">
/// <item>Expand: the audience is written into the ledger in batches (one row per contact per run, unique), with
/// skipped and deferred rows already marked. A re-run after a crash adds only what is missing.</item>
/// <item>Send: a batch of waiting rows is claimed (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, a conditional
/// update under SQLite's single writer) and, in ONE transaction, each row's message and outbox row are written and
/// the row becomes queued. A crash rolls the whole batch back to waiting; a committed batch is never claimed again.</item>
/// </list>
/// Pause and stop are seen between batches. Use a fresh DI scope per turn. Email, SMS and WhatsApp messages go
/// through the outbox; push notifications are stored by the <see cref="NotificationCenter"/> in the same transaction
/// (their ledger row is sent at once) and pushed to connected devices after the commit. A multi-channel campaign
/// gives each recipient one message, on the first of its channels that reaches them (the row records which).
/// </summary>
public sealed partial class CampaignRunner(
    HubDbContext db,
    UnitOfWork work,
    RowClaimer claimer,
    ScopedWorkspaceContext workspace,
    AudienceQuery audience,
    RecipientChecks checks,
    CampaignComposer composer,
    OutboundWriter writer,
    NotificationCenter notifications,
    AbWinnerDecider abTest,
    CampaignLive live,
    IOptions<CampaignOptions> options,
    WebhookPublisher webhooks,
    TimeProvider clock,
    ILogger<CampaignRunner> logger)
{
    /// <summary>Works on one running campaign until it is done, paused or stopped, or <paramref name="slice"/> is used up.</summary>
    public async Task<CampaignTurn> RunAsync(Guid campaignId, TimeSpan slice, CancellationToken cancellationToken)
    {
        var workspaceId = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId).Select(c => c.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
        workspace.Use(workspaceId);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is not { Status: CampaignStatus.Running })
        {
            return new CampaignTurn(0, 0, 0, false);
        }

        if (ChannelsOf(campaign) is not { Count: > 0 } channels)
        {
            await FailAsync(campaign, "A multi-channel campaign needs channels: push, email, sms or whatsapp, in the order to try them.", cancellationToken);
            return new CampaignTurn(0, 0, 0, true);
        }

        if (campaign.ExpandedAt is null)
        {
            await ExpandAsync(campaign, channels, cancellationToken);
        }

        var deadline = clock.GetUtcNow() + slice;
        int queued = 0, skipped = 0, deferred = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Pause and stop take effect here, between batches: what is committed is queued, the rest waits.
            var status = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.Status).FirstOrDefaultAsync(cancellationToken);
            if (status != CampaignStatus.Running)
            {
                return new CampaignTurn(queued, skipped, deferred, false);
            }

            var started = clock.GetUtcNow();
            var batch = await SendBatchAsync(campaign, channels, cancellationToken);
            if (batch is null && await abTest.DecideIfDueAsync(campaign, cancellationToken) is not null)
            {
                continue; // the A/B winner was chosen: the recipients held for it are waiting now
            }

            if (batch is null)
            {
                return new CampaignTurn(queued, skipped, deferred, await FinishIfDoneAsync(campaign, cancellationToken));
            }

            queued += batch.Queued;
            skipped += batch.Skipped;
            deferred += batch.Deferred;
            if (campaign.Settings.RateLimit > 0 && batch.Queued > 0)
            {
                var due = TimeSpan.FromSeconds((double)batch.Queued / campaign.Settings.RateLimit) - (clock.GetUtcNow() - started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, clock, cancellationToken);
                }
            }

            if (clock.GetUtcNow() >= deadline)
            {
                break;
            }
        }

        return new CampaignTurn(queued, skipped, deferred, false);
    }

    /// <summary>The channel names a multi-channel campaign may list, and what they send on.</summary>
    public static readonly IReadOnlyDictionary<string, ChannelType> ChannelNames = new Dictionary<string, ChannelType>(StringComparer.Ordinal)
    {
        ["push"] = ChannelType.Push,
        ["email"] = ChannelType.Email,
        ["sms"] = ChannelType.Sms,
        ["whatsapp"] = ChannelType.WhatsApp,
    };

    /// <summary>
    /// The channels a campaign sends on, in the order to try them: its type's one channel, or a multi-channel campaign's
    /// list (unknown names dropped, duplicates once). Empty when there is nothing to send on.
    /// </summary>
    public static IReadOnlyList<ChannelType> ChannelsOf(Campaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return campaign.Type switch
        {
            CampaignType.Email => [ChannelType.Email],
            CampaignType.Sms => [ChannelType.Sms],
            CampaignType.WhatsApp => [ChannelType.WhatsApp],
            CampaignType.Push => [ChannelType.Push],
            _ => [.. campaign.Channels.Select(n => ChannelNames.TryGetValue(n, out var c) ? c : (ChannelType?)null).OfType<ChannelType>().Distinct()],
        };
    }

    private async Task ExpandAsync(Campaign campaign, IReadOnlyList<ChannelType> channels, CancellationToken cancellationToken)
    {
        var run = campaign.CurrentRun;
        var filters = await audience.FiltersOfAsync(campaign, cancellationToken);
        await foreach (var contacts in audience.BatchesAsync(filters, options.Value.ExpandBatchSize, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var ids = contacts.Select(c => c.Id).ToList();
                var present = (await db.CampaignRecipients.AsNoTracking()
                    .Where(r => r.CampaignId == campaign.Id && r.Run == run && ids.Contains(r.ContactId))
                    .Select(r => r.ContactId).ToListAsync(cancellationToken)).ToHashSet();
                var fresh = contacts.Where(c => !present.Contains(c.Id)).ToList();
                if (fresh.Count == 0)
                {
                    break;
                }

                var now = clock.GetUtcNow();
                var verdicts = await checks.CheckAsync(campaign, channels, fresh, now, cancellationToken);
                foreach (var contact in fresh)
                {
                    var verdict = verdicts[contact.Id];
                    var (variant, held) = VariantSplit.Assign(campaign.Variants, contact.Id);
                    var row = new CampaignRecipient
                    {
                        CampaignId = campaign.Id,
                        Run = run,
                        ContactId = contact.Id,
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

                    db.CampaignRecipients.Add(row);
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                    break;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another runner wrote some of these rows first; the unique key kept one of each. Look again.
                    db.ChangeTracker.Clear();
                }
            }
        }

        var total = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaign.Id && r.Run == run, cancellationToken);
        var expandedAt = clock.GetUtcNow();
        await db.Campaigns.Where(c => c.Id == campaign.Id && c.CurrentRun == run)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpandedAt, expandedAt).SetProperty(c => c.TotalRecipients, total), cancellationToken);
        campaign.ExpandedAt = expandedAt;
        campaign.TotalRecipients = total;
        live.Changed(campaign.WorkspaceId, campaign.Id);
        LogExpanded(logger, campaign.Id, run, total);
    }

    private sealed record BatchResult(int Queued, int Skipped, int Deferred);

    /// <summary>Claims and queues one batch in one transaction; null when nothing is waiting that is due.</summary>
    private async Task<BatchResult?> SendBatchAsync(Campaign campaign, IReadOnlyList<ChannelType> channels, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var size = Math.Max(1, campaign.Settings.RateLimit > 0 ? Math.Min(campaign.Settings.BatchSize, campaign.Settings.RateLimit) : campaign.Settings.BatchSize);
        var id = campaign.Id;
        var run = campaign.CurrentRun;
        await using var change = await work.BeginAsync(cancellationToken);
        // The claim holds for this transaction: under PostgreSQL the rows are locked, under SQLite the transaction
        // holds the one write lock; either way a parallel runner or a stop can't take them until we commit.
        var rows = await claimer.LockAsync(Waiting(id, run), size, cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        db.CampaignRecipients.AttachRange(rows);
        var contactIds = rows.Select(r => r.ContactId).ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var verdicts = await checks.CheckAsync(campaign, channels, contacts.Values, now, cancellationToken);
        int queued = 0, skipped = 0, deferred = 0, pushed = 0;
        foreach (var row in rows)
        {
            var contact = contacts[row.ContactId];
            var verdict = verdicts[row.ContactId];
            verdict.ApplyTo(row, now);
            if (verdict.State == RecipientState.Skipped)
            {
                skipped++;
                continue;
            }

            var channel = verdict.Channel ?? channels[0];
            row.Channel = channel;
            if (verdict.State == RecipientState.Deferred)
            {
                deferred++;
                continue;
            }

            var composed = await composer.ComposeAsync(campaign, row, contact, channel, cancellationToken);
            var metadata = new Dictionary<string, JsonElement>
            {
                [CampaignMetadata.CampaignId] = JsonSerializer.SerializeToElement(campaign.Id),
                [CampaignMetadata.RecipientId] = JsonSerializer.SerializeToElement(row.Id),
                [CampaignMetadata.Run] = JsonSerializer.SerializeToElement(row.Run),
                [CampaignMetadata.Variant] = JsonSerializer.SerializeToElement(row.Variant),
            };
            if (channel == ChannelType.Push)
            {
                // Stored (and appended to the user's stream) in this change; pushed to devices after its commit.
                var notification = await notifications.QueueAsync(campaign.WorkspaceId, new PushRequest(contact.Id, contact.ExternalId!, composed.Subject ?? campaign.Name, composed.Text)
                {
                    Data = metadata,
                    Category = campaign.Category,
                    Fallback = false,
                }, cancellationToken);
                row.Send(notification.Id, channel, contact.ExternalId, now);
                queued++;
                pushed++;
                continue;
            }

            var result = await writer.QueueAsync(contact.WorkspaceId, new ContactMessage(channel, composed.Subject, composed.Text, composed.Html)
            {
                ContactId = contact.Id,
                MessageId = composed.MessageId,
                Headers = composed.Headers,
                MaxAttempts = Math.Max(1, campaign.Settings.MaxRetries + 1),
                Metadata = metadata,
            }, cancellationToken);
            if (result.Message is not { } message)
            {
                row.Skip(result.RefusalCode ?? SkipReasons.NoChannel, result.Refusal, now);
                skipped++;
                continue;
            }

            row.Queue(message.Id, channel, message.Address, now);
            queued++;
        }

        await db.SaveChangesAsync(cancellationToken);

        // A pause or stop that arrived while this batch was being written wins: the batch is undone and its rows wait.
        // The status is read under a share lock (PostgreSQL) or the write lock this transaction already holds (SQLite),
        // so a pause either lands before this read and is seen, or waits for this commit: once the pause is answered,
        // no batch commits after it.
        var stillRunning = db.Database.IsNpgsql()
            ? await db.Database.SqlQuery<string>($"""SELECT "Status" AS "Value" FROM campaigns WHERE "Id" = {id} FOR SHARE""").FirstOrDefaultAsync(cancellationToken) == nameof(CampaignStatus.Running)
            : await db.Campaigns.AsNoTracking().Where(c => c.Id == id).Select(c => c.Status).FirstOrDefaultAsync(cancellationToken) == CampaignStatus.Running;
        if (!stillRunning)
        {
            await change.RollbackAsync(cancellationToken); // and its pushes are never sent
            db.ChangeTracker.Clear();
            return new BatchResult(0, 0, 0);
        }

        work.AfterCommit(writer.Wake);
        live.Count(work, campaign.WorkspaceId, campaign.Id, Hub.Core.Realtime.CampaignAnalyticsTypes.Sent, human: false, pushed);
        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new BatchResult(queued, skipped, deferred);
    }

    /// <summary>A run's ledger rows whose turn has come, in ledger order, as the <see cref="RowClaimer"/> takes them.</summary>
    private static ClaimSpec<CampaignRecipient> Waiting(Guid campaignId, int run) => new()
    {
        Waiting = (rows, now) => rows.Where(r => r.CampaignId == campaignId && r.Run == run).Where(CampaignRecipient.DueAt(now)),
        Order = rows => rows.OrderBy(r => r.Id),
    };

    /// <summary>When no recipient waits any more: completed, or scheduled for the next run of a recurring campaign.</summary>
    private async Task<bool> FinishIfDoneAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var run = campaign.CurrentRun;
        if (await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == run).AnyAsync(CampaignRecipient.Unsent, cancellationToken))
        {
            return false; // deferred rows wait for their quiet hours to end (or for an A/B winner)
        }

        var now = clock.GetUtcNow();
        var next = ScheduleMath.NextRun(campaign.Schedule, campaign.StartedAt ?? now);
        var status = next is null ? CampaignStatus.Completed : CampaignStatus.Scheduled;
        await using var change = await work.BeginAsync(cancellationToken);
        var finished = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Running && c.CurrentRun == run)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.NextRunAt, next)
                .SetProperty(c => c.CompletedAt, next is null ? now : null).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        if (finished == 1)
        {
            // Each run that ends is a completed execution; a recurring campaign's next run records campaign_executed again.
            CampaignAnalytics.Record(db, campaign.WorkspaceId, campaign.Id, AnalyticsEventTypes.CampaignCompleted, now);
            await db.SaveChangesAsync(cancellationToken);
            await webhooks.PublishCampaignAsync(campaign.Id, next is null ? "completed" : "scheduled", cancellationToken);
            live.Changed(work, campaign.WorkspaceId, campaign.Id);
        }

        await change.CommitAsync(cancellationToken);
        if (finished == 1)
        {
            LogFinished(logger, campaign.Id, run, status);
        }

        return finished == 1;
    }

    private async Task FailAsync(Campaign campaign, string error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var change = await work.BeginAsync(cancellationToken);
        if (await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Failed).SetProperty(c => c.LastError, error)
                .SetProperty(c => c.CompletedAt, now).SetProperty(c => c.UpdatedAt, now), cancellationToken) == 1)
        {
            CampaignAnalytics.Record(db, campaign.WorkspaceId, campaign.Id, AnalyticsEventTypes.CampaignFailed, now, error);
            await db.SaveChangesAsync(cancellationToken);
            await webhooks.PublishCampaignAsync(campaign.Id, "failed", cancellationToken);
        }

        live.Changed(work, campaign.WorkspaceId, campaign.Id);
        await change.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {Run}: {Total} recipients written into the ledger")]
    private static partial void LogExpanded(ILogger logger, Guid campaignId, int run, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {Run} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, Guid campaignId, int run, CampaignStatus status);
}

/// <summary>The metadata keys a campaign message carries, so delivery and tracking can find its ledger row.</summary>
public static class CampaignMetadata
{
    public const string CampaignId = "campaign_id";
    public const string RecipientId = "recipient_id";
    public const string Run = "campaign_run";
    public const string Variant = "variant";
}
