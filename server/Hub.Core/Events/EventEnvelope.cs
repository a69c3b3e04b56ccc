namespace Hub.Core.Events;

/// <summary>
/// The envelope every internal and outbound event travels in (event-flow spec): subject
/// <c>{domain}.{entity}.{action}</c>, schema version, source, time, tenant and correlation id.
/// </summary>
/// <typeparam name="T">The event's data.</typeparam>
public sealed record EventEnvelope<T>(
    string Subject,
    string Version,
    string Source,
    DateTimeOffset Timestamp,
    Guid TenantId,
    string CorrelationId,
    T Data)
{
    /// <summary>The schema version Hub writes today.</summary>
    public const string CurrentVersion = "1.0";

    /// <summary>Builds an envelope for <paramref name="data"/> with the current version.</summary>
    public static EventEnvelope<T> Create(string subject, string source, TimeProvider clock, Guid tenantId, string? correlationId, T data)
    {
        EventSubject.EnsureValid(subject);
        return new(subject, CurrentVersion, source, clock.GetUtcNow(), tenantId, correlationId ?? Guid.NewGuid().ToString(), data);
    }
}
