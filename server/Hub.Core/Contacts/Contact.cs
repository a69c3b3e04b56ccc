using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Contacts;

/// <summary>
/// A customer or end user: the user profile of the user-service spec and the contact of the inbox are
/// one model. <see cref="ExternalId"/> is the id the customer's own systems use (<c>user_id</c>).
/// </summary>
public sealed class Contact : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The customer's own user id; unique within a workspace when set.</summary>
    public string? ExternalId { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Email { get; set; }

    /// <summary>E.164 phone number.</summary>
    public string? Phone { get; set; }

    /// <summary>IANA time zone, e.g. <c>Europe/Paris</c>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>BCP 47 language tag, e.g. <c>en</c> or <c>fr-CA</c>.</summary>
    public string? Language { get; set; }

    public string? MainDeviceId { get; set; }

    public DateOnly? DateOfBirth { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>Free-form attributes sent by the customer's systems.</summary>
    public Dictionary<string, JsonElement> Attributes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The contact's time zone; UTC when they have none or an unknown one (quiet hours, calendar days).</summary>
    public TimeZoneInfo TimeZoneOrUtc() =>
        TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public string DisplayName =>
        string.Join(' ', new[] { FirstName, LastName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name
            ? name
            : Email ?? Phone ?? ExternalId ?? Id.ToString();
}
