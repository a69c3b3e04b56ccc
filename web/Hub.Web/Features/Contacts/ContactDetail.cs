using System.Text.Json;

namespace Hub.Web.Features.Contacts;

/// <summary>A contact as <c>GET /api/v1/contacts/{id}</c> shows it.</summary>
public sealed record ContactDetail(
    Guid Id, string? ExternalId, string? FirstName, string? LastName, string? Email, string? Phone, string? Timezone, string? Language,
    string? MainDeviceId, DateOnly? Dob, bool IsActive, Dictionary<string, JsonElement> Attributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string DisplayName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name
        ? name
        : Email ?? Phone ?? ExternalId ?? Id.ToString();
}

/// <summary>A user's notification preferences (<c>GET /api/v1/users/{user_id}/preferences</c>).</summary>
public sealed record ContactPreferences(string UserId, PreferenceSettings Preferences, string? Timezone, DateTimeOffset? UpdatedAt);

/// <summary>The preferences with their defaults filled in.</summary>
public sealed record PreferenceSettings(
    bool EmailEnabled, bool SmsEnabled, bool PushEnabled, bool WhatsappEnabled, Dictionary<string, bool> Categories, QuietHours QuietHours);

/// <summary>The user's quiet hours (local time).</summary>
public sealed record QuietHours(bool Enabled, string? Start, string? End);

/// <summary>One of the contact's conversations.</summary>
public sealed record ContactConversation(Guid Id, string Channel, string Status, string? Subject, int MessageCount, DateTimeOffset? LastMessageAt);
