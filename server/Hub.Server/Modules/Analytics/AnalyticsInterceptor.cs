using Hub.Data.Analytics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hub.Core.Analytics;
using Hub.Core.Campaigns;
using Hub.Core.Inbox;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using E = Hub.Core.Analytics.AnalyticsEventTypes;

namespace Hub.Server.Modules.Analytics;

/// <summary>
/// Turns the domain changes a save is about to write into analytics events in the same save (so the same
/// transaction): messages received / sent / failed / bounced, first responses and resolutions, campaigns created,
/// campaign sends and human opens / clicks, pushes sent, Hub's own user events and customers' events, rule errors.
/// Changes made with bulk updates (<c>ExecuteUpdate</c>) don't pass through here; their callers record explicitly
/// with <see cref="AnalyticsRecorder"/>.
/// </summary>
public sealed class AnalyticsInterceptor : SaveChangesInterceptor
{
    // The events this interceptor added to a save still in flight, so a failed save takes them back out
    // (the caller may retry with other rows) and a retried save doesn't add them twice.
    private readonly ConditionalWeakTable<DbContext, List<AnalyticsEvent>> _pending = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is HubDbContext db)
        {
            await CollectAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is HubDbContext db)
        {
            CollectAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context)
        {
            _pending.Remove(context);
        }

        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context)
        {
            _pending.Remove(context);
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var added))
        {
            foreach (var analyticsEvent in added)
            {
                context.Entry(analyticsEvent).State = EntityState.Detached;
            }

            _pending.Remove(context);
        }
    }

    private async Task CollectAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        if (_pending.TryGetValue(db, out var previous))
        {
            // A save that failed without telling us (or a nested save): start over.
            foreach (var analyticsEvent in previous)
            {
                db.Entry(analyticsEvent).State = EntityState.Detached;
            }

            _pending.Remove(db);
        }

        db.ChangeTracker.DetectChanges();
        var records = new List<AnalyticsRecord>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            switch (entry.Entity)
            {
                case TrackedEvent e when entry.State == EntityState.Added:
                    records.Add(FromTrackedEvent(e));
                    break;
                case Message m when entry.State is EntityState.Added or EntityState.Modified:
                    if (await FromMessageAsync(db, entry, m, cancellationToken) is { } record)
                    {
                        records.Add(record);
                    }

                    break;
                case Conversation c when entry.State == EntityState.Modified:
                    records.AddRange(FromConversation(entry, c));
                    break;
                case Campaign c when entry.State == EntityState.Added:
                    records.Add(new(c.WorkspaceId, E.CampaignFamily, E.CampaignCreated, "hub.campaigns", c.CreatedAt == default ? DateTimeOffset.UtcNow : c.CreatedAt)
                    {
                        CampaignId = c.Id,
                        Data = new() { ["campaign_id"] = AnalyticsRecorder.Json(c.Id), ["name"] = AnalyticsRecorder.Json(c.Name) },
                    });
                    break;
                case TrackingHit h when entry.State == EntityState.Added && h.Kind is TrackingHitKind.Open or TrackingHitKind.Click
                                        && h.Classification == HitClassification.Human:
                    records.Add(new(h.WorkspaceId, E.CampaignFamily, h.Kind == TrackingHitKind.Open ? E.NotificationOpened : E.NotificationClicked, "hub.tracking", h.OccurredAt)
                    {
                        UserId = h.ContactId?.ToString(),
                        CampaignId = h.CampaignId,
                        Data = new()
                        {
                            ["notification_id"] = AnalyticsRecorder.Json(h.MessageId),
                            ["campaign_id"] = AnalyticsRecorder.Json(h.CampaignId),
                            ["classification"] = AnalyticsRecorder.Json("human"),
                        },
                    });
                    break;
                case Notification n when entry.State == EntityState.Added:
                    records.Add(new(n.WorkspaceId, E.NotificationFamily, E.NotificationSent, "hub.notifications", n.CreatedAt == default ? DateTimeOffset.UtcNow : n.CreatedAt)
                    {
                        UserId = n.ContactId.ToString(),
                        Data = new() { ["notification_id"] = AnalyticsRecorder.Json(n.Id), ["category"] = AnalyticsRecorder.Json(n.Category) },
                    });
                    break;
                case Decision d when entry.State == EntityState.Added && d.Outcome == DecisionOutcome.Error:
                    records.Add(new(d.WorkspaceId, E.SystemFamily, E.RuleError, "hub.rules", d.EventOccurredAt == default ? DateTimeOffset.UtcNow : d.EventOccurredAt)
                    {
                        UserId = d.ContactId?.ToString() ?? d.UserId,
                        Data = new() { ["event_id"] = AnalyticsRecorder.Json(d.EventId), ["rule_id"] = AnalyticsRecorder.Json(d.RuleId) },
                    });
                    break;
            }
        }

        if (records.Count == 0)
        {
            return;
        }

        var added = records.Where(r => r.WorkspaceId != Guid.Empty).Select(r => AnalyticsRecorder.Record(db, r)).ToList();
        _pending.AddOrUpdate(db, added);
    }

    private static AnalyticsRecord FromTrackedEvent(TrackedEvent e)
    {
        var family = E.UserEvents.Contains(e.EventType) ? E.UserFamily
            : e.EventType.StartsWith("notification_", StringComparison.Ordinal) ? E.NotificationFamily
            : E.CustomFamily;
        var data = new Dictionary<string, JsonElement> { ["event_id"] = AnalyticsRecorder.Json(e.Id), ["user_id"] = AnalyticsRecorder.Json(e.UserId) };
        if (e.Properties.TryGetValue("notification_id", out var notificationId))
        {
            data["notification_id"] = notificationId;
        }

        return new(e.WorkspaceId, family, e.EventType, family == E.CustomFamily ? "hub.events" : "hub.users", e.OccurredAt)
        {
            UserId = e.ContactId?.ToString() ?? e.UserId,
            Data = data,
        };
    }

    private static async Task<AnalyticsRecord?> FromMessageAsync(HubDbContext db, EntityEntry entry, Message m, CancellationToken cancellationToken)
    {
        string? type;
        if (entry.State == EntityState.Added)
        {
            type = m.Direction == MessageDirection.Inbound ? E.MessageReceived : StatusEvent(m.Status);
        }
        else
        {
            var status = entry.Property(nameof(Message.Status));
            type = status.IsModified && !Equals(status.OriginalValue, status.CurrentValue) ? StatusEvent(m.Status) : null;
        }

        if (type is null || (m.Direction == MessageDirection.Inbound && type != E.MessageReceived))
        {
            return null;
        }

        var campaignId = m.Metadata.TryGetValue("campaign_id", out var c) && c.ValueKind == JsonValueKind.String && Guid.TryParse(c.GetString(), out var id)
            ? id : (Guid?)null;
        if (campaignId is not null && type == E.MessageSent)
        {
            type = E.NotificationSent; // a campaign's message is the campaign's notification
        }

        var contactId = db.ChangeTracker.Entries<Conversation>().FirstOrDefault(x => x.Entity.Id == m.ConversationId)?.Entity.ContactId
            ?? await db.Conversations.IgnoreQueryFilters().Where(x => x.Id == m.ConversationId).Select(x => (Guid?)x.ContactId).FirstOrDefaultAsync(cancellationToken);
        var family = type == E.NotificationSent ? E.CampaignFamily : E.InboxFamily;
        return new(m.WorkspaceId, family, type, family == E.CampaignFamily ? "hub.campaigns" : "hub.inbox", m.UpdatedAt == default ? DateTimeOffset.UtcNow : m.UpdatedAt)
        {
            UserId = contactId?.ToString(),
            CampaignId = campaignId,
            Data = new()
            {
                ["message_id"] = AnalyticsRecorder.Json(m.Id),
                ["conversation_id"] = AnalyticsRecorder.Json(m.ConversationId),
                ["channel"] = AnalyticsRecorder.Json(m.ChannelType.ToString().ToLowerInvariant()),
            },
        };
    }

    private static string? StatusEvent(MessageStatus status) => status switch
    {
        MessageStatus.Sent => E.MessageSent,
        MessageStatus.Failed => E.MessageFailed,
        MessageStatus.Bounced => E.MessageBounced,
        MessageStatus.Received => E.MessageReceived,
        _ => null,
    };

    private static IEnumerable<AnalyticsRecord> FromConversation(EntityEntry entry, Conversation c)
    {
        var data = new Dictionary<string, JsonElement>
        {
            ["conversation_id"] = AnalyticsRecorder.Json(c.Id),
            ["agent_id"] = AnalyticsRecorder.Json(c.AssigneeId),
            ["team"] = AnalyticsRecorder.Json(c.Team),
        };
        if (Became(entry, nameof(Conversation.FirstResponseAt)) && c.FirstResponseAt is { } responded)
        {
            yield return new(c.WorkspaceId, E.InboxFamily, E.FirstResponse, "hub.inbox", responded)
            {
                UserId = c.ContactId.ToString(),
                Value = Math.Max(0, (responded - c.CreatedAt).TotalSeconds),
                Data = data,
            };
        }

        if (Became(entry, nameof(Conversation.ResolvedAt)) && c.ResolvedAt is { } resolved)
        {
            yield return new(c.WorkspaceId, E.InboxFamily, E.ConversationResolved, "hub.inbox", resolved)
            {
                UserId = c.ContactId.ToString(),
                Value = Math.Max(0, (resolved - c.CreatedAt).TotalSeconds),
                Data = data,
            };
        }

        if (Became(entry, nameof(Conversation.SlaBreachedAt)) && c.SlaBreachedAt is { } breached)
        {
            yield return new(c.WorkspaceId, E.InboxFamily, E.SlaBreached, "hub.inbox", breached) { UserId = c.ContactId.ToString(), Data = data };
        }
    }

    /// <summary>The property went from empty to a value in this save.</summary>
    private static bool Became(EntityEntry entry, string property)
    {
        var p = entry.Property(property);
        return p.IsModified && p.OriginalValue is null && p.CurrentValue is not null;
    }
}
