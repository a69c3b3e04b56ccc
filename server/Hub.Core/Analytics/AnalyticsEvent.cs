using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Analytics;

/// <summary>
/// One analytics event in the envelope of the event-flow spec (id, subject, version, source, timestamp, workspace,
/// correlation id, data). Written in the same transaction as the change it describes; an aggregator folds it into
/// <see cref="AnalyticsRollup"/> and <see cref="AnalyticsBucketUser"/> once, and reports read only those.
/// </summary>
public sealed class AnalyticsEvent : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The spec's channel, e.g. <c>campaign.analytics</c>, <c>notification.analytics</c>, <c>user.analytics</c>, <c>inbox.analytics</c>.</summary>
    public required string Family { get; set; }

    /// <summary>The event type, e.g. <c>notification_sent</c>, <c>first_response</c>.</summary>
    public required string EventType { get; set; }

    /// <summary><c>{domain}.{entity}.{action}</c>, e.g. <c>campaign.analytics.notification_opened</c>.</summary>
    public required string Subject { get; set; }

    /// <summary>The envelope's schema version.</summary>
    public string Version { get; set; } = Events.EventEnvelope<object>.CurrentVersion;

    /// <summary>The part of Hub that recorded it, e.g. <c>hub.campaigns</c>.</summary>
    public required string Source { get; set; }

    /// <summary>When it happened (the envelope's timestamp); the bucket it counts in.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Ties the event to the request or job that caused it.</summary>
    public required string CorrelationId { get; set; }

    /// <summary>Who it is about: the contact id when Hub knows the contact, else the customer's user id; null for none.</summary>
    public string? UserId { get; set; }

    /// <summary>The campaign it belongs to, when it does (the rollups' dimension).</summary>
    public Guid? CampaignId { get; set; }

    /// <summary>A measured value, e.g. seconds to first response; summed and counted by the rollups.</summary>
    public double? Value { get; set; }

    /// <summary>The event's own fields (notification id, classification, channel…).</summary>
    public Dictionary<string, JsonElement> Data { get; set; } = [];

    /// <summary>When the aggregator folded it into the rollups; null while it waits.</summary>
    public DateTimeOffset? RolledUpAt { get; set; }
}
