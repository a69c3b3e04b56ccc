using System.ComponentModel.DataAnnotations;
using Hub.Core.Webhooks;
using Hub.Server.Modules.Webhooks;
namespace Hub.Server.Modules.Webhooks.Api;

/// <summary>A webhook subscription as the API shows it (never with its secret, except <see cref="CreatedWebhookResponse"/>).</summary>
public sealed record WebhookResponse(
    Guid Id, string Url, IReadOnlyList<string> Subjects, bool Active, string? Description, string SecretHint, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static WebhookResponse From(WebhookSubscription s) =>
        new(s.Id, s.Url, s.Subjects, s.IsActive, s.Description, Hint(s.Secret), s.CreatedAt, s.UpdatedAt);

    /// <summary>The last four characters, so an admin can tell which secret a receiver holds.</summary>
    private static string Hint(string secret) => "…" + secret[^4..];
}

/// <summary>A new subscription, with its signing <c>secret</c>: shown this once.</summary>
public sealed record CreatedWebhookResponse(
    Guid Id, string Url, IReadOnlyList<string> Subjects, bool Active, string? Description, string Secret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The new secret after a rotation: shown this once; deliveries from now on are signed with it.</summary>
public sealed record RotatedSecretResponse(Guid Id, string Secret);

/// <summary>Subscribes a URL to event subjects.</summary>
public sealed record CreateWebhookRequest
{
    /// <summary>An absolute public http(s) URL.</summary>
    [Required, MaxLength(2000)]
    public string? Url { get; init; }

    /// <summary>Subject patterns: <c>inbox.message.received</c>, <c>inbox.message.*</c>, <c>campaign.*</c>, <c>*</c>.</summary>
    [Required]
    public List<string>? Subjects { get; init; }

    [MaxLength(500)]
    public string? Description { get; init; }

    /// <summary>Deliver events (default true); false pauses the subscription.</summary>
    public bool? Active { get; init; }
}

/// <summary>Changes a subscription; absent fields are left alone.</summary>
public sealed record UpdateWebhookRequest
{
    [MaxLength(2000)]
    public string? Url { get; init; }

    public List<string>? Subjects { get; init; }

    [MaxLength(500)]
    public string? Description { get; init; }

    public bool? Active { get; init; }
}

/// <summary>One delivery in a subscription's log.</summary>
public sealed record WebhookDeliveryResponse(
    Guid Id, Guid SubscriptionId, Guid EventId, string Subject, WebhookDeliveryState State, int Attempts, DateTimeOffset? NextAttemptAt,
    int? LastStatus, string? LastError, int? LastResponseMs, DateTimeOffset? LastAttemptAt, DateTimeOffset? SucceededAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, System.Text.Json.JsonElement Payload)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d) => new(
        d.Id, d.SubscriptionId, d.EventId, d.Subject, d.State, d.Attempts,
        d.State is WebhookDeliveryState.Pending or WebhookDeliveryState.Failed ? d.NextAttemptAt : null,
        d.LastStatus, d.LastError, d.LastResponseMs, d.LastAttemptAt, d.SucceededAt, d.CreatedAt, d.UpdatedAt,
        System.Text.Json.JsonDocument.Parse(d.Payload).RootElement.Clone());
}

/// <summary>Checks of a subscription's URL and patterns, with the field names the API uses.</summary>
internal static class WebhookRules
{
    public const int MaxSubjects = 50;

    /// <summary>400: the patterns are malformed.</summary>
    public static Dictionary<string, string[]>? CheckSubjects(List<string>? subjects)
    {
        if (subjects is null)
        {
            return null;
        }

        if (subjects.Count is 0 or > MaxSubjects)
        {
            return new() { ["subjects"] = [$"Give 1 to {MaxSubjects} subject patterns, e.g. [\"inbox.message.*\"]. Subjects: {string.Join(", ", WebhookSubjects.All)}."] };
        }

        var problems = subjects.Select(WebhookSubjects.Problem).OfType<string>().ToArray();
        return problems.Length > 0 ? new() { ["subjects"] = problems } : null;
    }

    /// <summary>422: the URL is not one Hub will call (scheme, credentials, private or reserved address).</summary>
    public static Dictionary<string, string[]>? CheckUrl(string? url, bool allowPrivate) =>
        url is not null && WebhookTargetGuard.ProblemWithUrl(url, allowPrivate) is { } problem ? new() { ["url"] = [problem] } : null;
}
