using System.Diagnostics;
using System.Text.Json;
using Hub.Core.Analytics;
using Hub.Core.Events;
using Hub.Core.Text;
using Microsoft.EntityFrameworkCore;

namespace Hub.Data.Analytics;

/// <summary>
/// Writes analytics events in the caller's unit of work: the event is added to the caller's context and commits
/// (or rolls back) with the caller's <c>SaveChanges</c>, inside its transaction when it has one. The aggregator
/// folds it into the rollups afterwards, exactly once.
/// </summary>
public static class AnalyticsRecorder
{
    /// <summary>Adds one analytics event to <paramref name="db"/>; saved by the caller's next <c>SaveChanges</c>.</summary>
    public static AnalyticsEvent Record(DbContext db, AnalyticsRecord record)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        var analyticsEvent = Create(record);
        db.Set<AnalyticsEvent>().Add(analyticsEvent);
        return analyticsEvent;
    }

    /// <summary>Builds the stored envelope of <paramref name="record"/>.</summary>
    public static AnalyticsEvent Create(AnalyticsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var domain = record.Family.Split('.')[0];
        var subject = $"{domain}.analytics.{record.EventType}";
        return new AnalyticsEvent
        {
            WorkspaceId = record.WorkspaceId,
            Family = record.Family,
            EventType = TextCut.Cut(record.EventType, 200),
            Subject = EventSubject.IsValid(subject) && subject.Length <= 300 ? subject : $"{domain}.analytics.custom",
            Source = record.Source,
            OccurredAt = record.OccurredAt.ToUniversalTime(),
            CorrelationId = record.CorrelationId ?? Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString(),
            UserId = TextCut.CutOrNull(record.UserId, 200),
            CampaignId = record.CampaignId,
            Value = record.Value,
            Data = record.Data ?? [],
        };
    }

    /// <summary>A JSON value for <see cref="AnalyticsRecord.Data"/>.</summary>
    public static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);
}

/// <summary>What a caller says about an analytics event; the recorder adds the envelope.</summary>
/// <param name="WorkspaceId">The workspace (tenant) it belongs to.</param>
/// <param name="Family">The spec's channel, one of <see cref="AnalyticsEventTypes"/>' families.</param>
/// <param name="EventType">e.g. <c>notification_sent</c>.</param>
/// <param name="Source">The part of Hub recording it, e.g. <c>hub.campaigns</c>.</param>
/// <param name="OccurredAt">When it happened.</param>
public sealed record AnalyticsRecord(Guid WorkspaceId, string Family, string EventType, string Source, DateTimeOffset OccurredAt)
{
    /// <summary>The contact id when known, else the customer's user id.</summary>
    public string? UserId { get; init; }

    public Guid? CampaignId { get; init; }

    /// <summary>A measured value (seconds for response and resolution times).</summary>
    public double? Value { get; init; }

    public string? CorrelationId { get; init; }

    public Dictionary<string, JsonElement>? Data { get; init; }
}
