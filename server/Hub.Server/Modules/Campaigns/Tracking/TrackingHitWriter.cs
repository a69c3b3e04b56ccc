using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Modules.Campaigns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>
/// Stores queued tracking hits in batches (every <see cref="TrackingOptions.FlushInterval"/> or
/// <see cref="TrackingOptions.BatchSize"/> hits): looks up each message (hits of unknown messages are dropped),
/// takes its campaign and contact, classifies the hit and inserts the batch in one round trip per workspace.
/// </summary>
public sealed partial class TrackingHitWriter(
    TrackingHitQueue queue,
    IServiceScopeFactory scopes,
    CampaignLive live,
    IOptions<TrackingOptions> options,
    ILogger<TrackingHitWriter> logger) : BackgroundService
{
    private long _handled;

    /// <summary>Waits until every hit queued before the call has been stored (or dropped as unknown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = queue.Enqueued;
        while (Interlocked.Read(ref _handled) < target)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        var batch = new List<QueuedHit>(options.Value.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await FillAsync(reader, batch, stoppingToken);
                await StoreSafelyAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what is already queued, briefly, rather than lose it.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (reader.TryRead(out var hit))
            {
                batch.Add(hit);
            }

            await StoreSafelyAsync(batch, grace.Token);
        }
    }

    private async Task FillAsync(System.Threading.Channels.ChannelReader<QueuedHit> reader, List<QueuedHit> batch, CancellationToken stoppingToken)
    {
        var size = options.Value.BatchSize;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(options.Value.FlushInterval);
        while (batch.Count < size)
        {
            while (batch.Count < size && reader.TryRead(out var hit))
            {
                batch.Add(hit);
            }

            if (batch.Count >= size)
            {
                return;
            }

            try
            {
                if (!await reader.WaitToReadAsync(window.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return; // the flush interval is up
            }
        }
    }

    private async Task StoreSafelyAsync(List<QueuedHit> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var workspace in batch.GroupBy(h => h.WorkspaceId))
            {
                await StoreAsync(workspace.Key, [.. workspace], cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(logger, ex, batch.Count);
        }
        finally
        {
            Interlocked.Add(ref _handled, batch.Count);
        }
    }

    private async Task StoreAsync(Guid workspaceId, List<QueuedHit> hits, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var classifier = new HitClassifier(options.Value.ScannerWindow);

        var ids = hits.Select(h => h.MessageId).Distinct().ToList();
        var messages = await (
                from m in db.Messages.AsNoTracking()
                join c in db.Conversations on m.ConversationId equals c.Id
                where ids.Contains(m.Id) && m.Direction == MessageDirection.Outbound
                select new { m.Id, c.ContactId, m.SentAt, m.Metadata })
            .ToDictionaryAsync(m => m.Id, cancellationToken);

        var clicked = hits.Where(h => h.Kind == TrackingHitKind.Click && messages.ContainsKey(h.MessageId)).ToList();
        var earlier = new List<TrackingHit>();
        if (clicked.Count > 0)
        {
            var since = clicked.Min(h => h.OccurredAt) - HitClassifier.BurstWindow;
            var clickedIds = clicked.Select(h => h.MessageId).Distinct().ToList();
            earlier = await db.TrackingHits
                .Where(h => clickedIds.Contains(h.MessageId) && h.Kind == TrackingHitKind.Click && h.OccurredAt >= since)
                .ToListAsync(cancellationToken);
        }

        var stored = new List<TrackingHit>();
        foreach (var hit in hits)
        {
            if (!messages.TryGetValue(hit.MessageId, out var message))
            {
                continue; // signed for a message that no longer exists (or never was outbound): recorded nowhere
            }

            var others = earlier.Concat(stored).Where(h => h.MessageId == hit.MessageId && h.Kind == TrackingHitKind.Click)
                .Select(h => (h.OccurredAt, h.Url))
                .Concat(clicked.Where(c => c.MessageId == hit.MessageId && !ReferenceEquals(c, hit)).Select(c => (c.OccurredAt, c.Url)))
                .Distinct()
                .ToList();
            var verdict = classifier.Classify(new HitContext(hit.Kind, hit.OccurredAt, hit.IpAddress, hit.UserAgent)
            {
                DeliveredAt = message.SentAt,
                IsTrapLink = hit.Kind == TrackingHitKind.Click && TrackingLinks.IsTrap(hit.Url),
                Url = hit.Url,
                OtherClicks = others,
            });
            stored.Add(new TrackingHit
            {
                WorkspaceId = workspaceId,
                MessageId = hit.MessageId,
                CampaignId = CampaignOf(message.Metadata),
                ContactId = message.ContactId,
                Kind = hit.Kind,
                Url = Truncate(hit.Url, 2048),
                IpAddress = Truncate(hit.IpAddress, 64),
                UserAgent = Truncate(hit.UserAgent, 512),
                Classification = verdict.Classification,
                Reason = verdict.Reason,
                OccurredAt = hit.OccurredAt,
            });
        }

        // A burst seen only now also unmasks its first clicks, stored as human before the rest arrived.
        foreach (var first in earlier.Where(h => h.Classification == HitClassification.Human))
        {
            var context = new HitContext(TrackingHitKind.Click, first.OccurredAt, first.IpAddress, first.UserAgent)
            {
                Url = first.Url,
                OtherClicks = [.. earlier.Concat(stored).Where(h => h.MessageId == first.MessageId && h.Id != first.Id && h.Kind == TrackingHitKind.Click).Select(h => (h.OccurredAt, h.Url))],
            };
            if (HitClassifier.IsBurst(context))
            {
                first.Classification = HitClassification.Scanner;
                first.Reason = "link_burst";
            }
        }

        db.TrackingHits.AddRange(stored);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var group in stored.Where(h => h.CampaignId is not null).GroupBy(h => (Campaign: h.CampaignId!.Value, h.Kind)))
        {
            var type = group.Key.Kind switch
            {
                TrackingHitKind.Open => CampaignAnalyticsTypes.Opened,
                TrackingHitKind.Click => CampaignAnalyticsTypes.Clicked,
                _ => CampaignAnalyticsTypes.Unsubscribed,
            };
            var human = group.Count(h => h.Classification == HitClassification.Human);
            live.Count(workspaceId, group.Key.Campaign, type, human: false, group.Count() - human);
            live.Count(workspaceId, group.Key.Campaign, type, human: true, human);
        }
    }

    private static Guid? CampaignOf(Dictionary<string, JsonElement> metadata) =>
        metadata.TryGetValue("campaign_id", out var value) && value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) ? id : null;

    private static string? Truncate(string? value, int max) => TextCut.CutOrNull(value, max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Count} tracking hits")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count);
}
