using System.Text.Json;

namespace Hub.Web.Features.Settings;

/// <summary>A member of the workspace.</summary>
public sealed record MemberDto(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string Availability, DateTimeOffset CreatedAt)
{
    /// <summary>The member's role (one per member).</summary>
    public string Role => Roles.Count > 0 ? Roles[0] : "";

    /// <summary>Set while failed sign-ins keep the member out.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The team whose conversations auto-assignment gives this member.</summary>
    public string? Team { get; init; }

    /// <summary>How many open conversations auto-assignment may give them (0 = no limit).</summary>
    public int ConversationCapacity { get; init; }
}

/// <summary>An API key as listed: never its secret.</summary>
public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A new API key with its secret, shown once.</summary>
public sealed record CreatedApiKeyDto(Guid Id, string Name, string Prefix, string Role, string Key, DateTimeOffset CreatedAt);

/// <summary>A webhook subscription.</summary>
public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Subjects, bool Active, string? Description, string SecretHint, DateTimeOffset CreatedAt);

/// <summary>A new subscription with its signing secret, shown once.</summary>
public sealed record CreatedWebhookDto(Guid Id, string Url, IReadOnlyList<string> Subjects, bool Active, string Secret);

/// <summary>One delivery of a subscription's log.</summary>
public sealed record WebhookDeliveryDto(
    Guid Id, Guid SubscriptionId, string Subject, string State, int Attempts, int? LastStatus, string? LastError, int? LastResponseMs,
    DateTimeOffset? LastAttemptAt, DateTimeOffset CreatedAt, JsonElement Payload);

/// <summary>One class's held-out figures.</summary>
public sealed record ClassFiguresDto(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>A loaded classifier's evaluation report.</summary>
public sealed record ModelMetricsDto(
    string Kind, string ModelFile, bool ReportFound, string? Data, int? TestCount, double? Accuracy, double? MacroF1, string? BaselineName,
    double? BaselineAccuracy, double? BaselineMacroF1, IReadOnlyList<ClassFiguresDto> PerClass, double? UnknownThreshold,
    double? AnsweredFraction, double? OutOfScopeUnknownRate, double? LatencyP50Microseconds);

/// <summary>The loaded classifiers' figures.</summary>
public sealed record IntelligenceMetricsDto(IReadOnlyList<ModelMetricsDto> Models);
