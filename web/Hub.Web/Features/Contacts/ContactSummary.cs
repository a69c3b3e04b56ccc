namespace Hub.Web.Features.Contacts;

/// <summary>A contact as <c>GET /api/v1/contacts</c> lists it.</summary>
public sealed record ContactSummary(
    Guid Id, string? ExternalId, string? FirstName, string? LastName, string? Email, string? Phone,
    string? Timezone, string? Language, bool IsActive, DateTimeOffset CreatedAt)
{
    public string DisplayName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name
        ? name
        : Email ?? Phone ?? ExternalId ?? Id.ToString();
}
