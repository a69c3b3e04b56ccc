using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Server.Modules.Contacts.Api;
namespace Hub.Server.Modules.Contacts.Api;

/// <summary>A user (the spec's <c>user_profile</c>) as the API shows it: a contact seen by your own user id.</summary>
public sealed record UserResponse(
    Guid Id,
    string UserId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? MainDeviceId,
    DateOnly? Dob,
    bool IsActive,
    string? Timezone,
    string? Language,
    Dictionary<string, JsonElement> Attributes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UserResponse From(Contact c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.ExternalId!, c.FirstName, c.LastName, c.Email, c.Phone, c.MainDeviceId, c.DateOfBirth, c.IsActive,
            c.TimeZone, c.Language, c.Attributes, c.CreatedAt, c.UpdatedAt);
    }
}

/// <summary>
/// A user's profile fields, for <c>POST /api/v1/users</c>, <c>PUT /api/v1/users/{user_id}</c> and each row of an
/// import. Fields present replace the stored ones (an explicit <c>null</c> clears one); fields absent are kept.
/// <c>attributes</c> are merged key by key, a key set to <c>null</c> is removed.
/// </summary>
public sealed record UserRequest
{
    // Which fields the body carried: System.Text.Json only calls a setter for a member that is present,
    // so "absent" (keep) and "null" (clear) can be told apart without a custom converter.
    private readonly HashSet<string> _given = [];

    /// <summary>Your own id for the user; required by POST and imports, optional in PUT (then it must match the URL).</summary>
    [MaxLength(200)]
    public string? UserId { get; init { field = value; _given.Add(nameof(UserId)); } }

    [MaxLength(200)]
    public string? FirstName { get; init { field = value; _given.Add(nameof(FirstName)); } }

    [MaxLength(200)]
    public string? LastName { get; init { field = value; _given.Add(nameof(LastName)); } }

    [EmailAddress, MaxLength(320)]
    public string? Email { get; init { field = value; _given.Add(nameof(Email)); } }

    /// <summary>E.164, e.g. +14155550123.</summary>
    [RegularExpression(ContactRules.E164, ErrorMessage = "Phone must be in E.164 form, e.g. +14155550123.")]
    public string? Phone { get; init { field = value; _given.Add(nameof(Phone)); } }

    [MaxLength(200)]
    public string? MainDeviceId { get; init { field = value; _given.Add(nameof(MainDeviceId)); } }

    /// <summary>Date of birth, <c>yyyy-MM-dd</c>.</summary>
    public DateOnly? Dob { get; init { field = value; _given.Add(nameof(Dob)); } }

    /// <summary>Defaults to true for a new user; null keeps the current value.</summary>
    public bool? IsActive { get; init { field = value; _given.Add(nameof(IsActive)); } }

    /// <summary>IANA time zone, e.g. Europe/Paris (quiet hours are in it).</summary>
    [MaxLength(64)]
    public string? Timezone { get; init { field = value; _given.Add(nameof(Timezone)); } }

    /// <summary>BCP 47 language tag, e.g. en or fr-CA.</summary>
    [RegularExpression(ContactRules.LanguageTag, ErrorMessage = "Language must be a BCP 47 tag such as en or fr-CA.")]
    public string? Language { get; init { field = value; _given.Add(nameof(Language)); } }

    /// <summary>Merged into the stored attributes; a key set to null is removed. At most 100.</summary>
    public Dictionary<string, JsonElement>? Attributes { get; init; }

    /// <summary>Whether the body carried the field (by its C# name), even as null.</summary>
    internal bool Has(string field) => _given.Contains(field);
}

/// <summary>The checks every way of writing a user goes through (POST, PUT, each import row).</summary>
public static class UserRules
{
    /// <summary>
    /// All the errors of <paramref name="request"/>, keyed by JSON field name; null when it is fine. Endpoints get
    /// the data annotations checked by the framework already; imports call this for everything.
    /// </summary>
    public static Dictionary<string, string[]>? Check(UserRequest request, DateOnly today, bool requireUserId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
                {
                    Add(errors, JsonNamingPolicy.SnakeCaseLower.ConvertName(member), result.ErrorMessage ?? "Invalid.");
                }
            }
        }

        foreach (var (field, messages) in ContactRules.Check(request.Timezone, request.Attributes) ?? [])
        {
            foreach (var message in messages)
            {
                Add(errors, field, message);
            }
        }

        if (requireUserId && string.IsNullOrWhiteSpace(request.UserId))
        {
            Add(errors, "user_id", "user_id is required.");
        }
        else if (request.UserId is { } id && id.Trim() != id)
        {
            Add(errors, "user_id", "user_id must not start or end with spaces.");
        }

        if (request.Dob is { } dob && (dob > today || dob.Year < 1900))
        {
            Add(errors, "dob", "dob must be a date between 1900-01-01 and today.");
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// Writes the fields <paramref name="request"/> carries onto <paramref name="contact"/>; returns the JSON names
    /// of those whose value changed, or null (and changes nothing) when the merged attributes would be too many.
    /// </summary>
    public static List<string>? Apply(Contact contact, UserRequest request)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(request);
        Dictionary<string, JsonElement>? attributes = null;
        if (request.Attributes is not null)
        {
            attributes = Hub.Server.Infrastructure.JsonMerge.Apply(contact.Attributes, request.Attributes);
            if (attributes.Count > ContactRules.MaxAttributes)
            {
                return null;
            }
        }

        var changed = new List<string>();
        Set(request, nameof(UserRequest.FirstName), "first_name", contact.FirstName, request.FirstName, v => contact.FirstName = v, changed);
        Set(request, nameof(UserRequest.LastName), "last_name", contact.LastName, request.LastName, v => contact.LastName = v, changed);
        Set(request, nameof(UserRequest.Email), "email", contact.Email, request.Email?.Trim().ToLowerInvariant(), v => contact.Email = v, changed);
        Set(request, nameof(UserRequest.Phone), "phone", contact.Phone, request.Phone, v => contact.Phone = v, changed);
        Set(request, nameof(UserRequest.MainDeviceId), "main_device_id", contact.MainDeviceId, request.MainDeviceId, v => contact.MainDeviceId = v, changed);
        Set(request, nameof(UserRequest.Dob), "dob", contact.DateOfBirth, request.Dob, v => contact.DateOfBirth = v, changed);
        Set(request, nameof(UserRequest.Timezone), "timezone", contact.TimeZone, request.Timezone, v => contact.TimeZone = v, changed);
        Set(request, nameof(UserRequest.Language), "language", contact.Language, request.Language, v => contact.Language = v, changed);
        if (request.IsActive is { } active && active != contact.IsActive)
        {
            contact.IsActive = active;
            changed.Add("is_active");
        }

        if (attributes is not null && !SameJson(contact.Attributes, attributes))
        {
            contact.Attributes = attributes;
            changed.Add("attributes");
        }

        return changed;
    }

    private static void Set<T>(UserRequest request, string member, string field, T current, T value, Action<T> assign, List<string> changed)
    {
        if (request.Has(member) && !EqualityComparer<T>.Default.Equals(current, value))
        {
            assign(value);
            changed.Add(field);
        }
    }

    private static bool SameJson(Dictionary<string, JsonElement> a, Dictionary<string, JsonElement> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && JsonElement.DeepEquals(kv.Value, other));

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
}
