using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Contacts;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary>A contact (an end user of the customer's product) as the API shows it.</summary>
public sealed record ContactResponse(
    Guid Id,
    string? ExternalId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Timezone,
    string? Language,
    string? MainDeviceId,
    DateOnly? Dob,
    bool IsActive,
    Dictionary<string, JsonElement> Attributes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ContactResponse From(Contact c) => new(
        c.Id, c.ExternalId, c.FirstName, c.LastName, c.Email, c.Phone, c.TimeZone, c.Language, c.MainDeviceId,
        c.DateOfBirth, c.IsActive, c.Attributes, c.CreatedAt, c.UpdatedAt);
}

/// <summary>A contact's fields, as both creating and changing a contact take them.</summary>
public abstract record ContactFields
{
    /// <summary>The id your own systems use for this user; unique in the workspace.</summary>
    [MaxLength(200)]
    public string? ExternalId { get; init; }

    [MaxLength(200)]
    public string? FirstName { get; init; }

    [MaxLength(200)]
    public string? LastName { get; init; }

    [EmailAddress, MaxLength(320)]
    public string? Email { get; init; }

    /// <summary>E.164, e.g. +14155550123.</summary>
    [RegularExpression(ContactRules.E164, ErrorMessage = "Phone must be in E.164 form, e.g. +14155550123.")]
    public string? Phone { get; init; }

    /// <summary>IANA time zone, e.g. Europe/Paris.</summary>
    [MaxLength(64)]
    public string? Timezone { get; init; }

    /// <summary>BCP 47 language tag, e.g. en or fr-CA.</summary>
    [RegularExpression(ContactRules.LanguageTag, ErrorMessage = "Language must be a BCP 47 tag such as en or fr-CA.")]
    public string? Language { get; init; }

    [MaxLength(200)]
    public string? MainDeviceId { get; init; }

    public DateOnly? Dob { get; init; }

    public bool? IsActive { get; init; }

    /// <summary>On create, the attributes; on update, merged into the existing ones (a key set to null is removed).</summary>
    public Dictionary<string, JsonElement>? Attributes { get; init; }
}

/// <summary>Creates a contact. At least one of external_id, email or phone is required.</summary>
public sealed record CreateContactRequest : ContactFields;

/// <summary>Changes a contact: only the fields present are changed.</summary>
public sealed record UpdateContactRequest : ContactFields;

/// <summary>Checks shared by contact requests.</summary>
public static class ContactRules
{
    public const string E164 = @"^\+[1-9]\d{6,14}$";
    public const string LanguageTag = @"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$";
    public const int MaxAttributes = 100;

    public static bool IsKnownTimeZone(string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);

    /// <summary>The checks data annotations can't express; null when the request is fine.</summary>
    public static Dictionary<string, string[]>? Check(string? timezone, Dictionary<string, JsonElement>? attributes)
    {
        var errors = new Dictionary<string, string[]>();
        if (timezone is not null && !IsKnownTimeZone(timezone))
        {
            errors["timezone"] = [$"'{timezone}' is not a known IANA time zone."];
        }

        if (attributes is { Count: > MaxAttributes })
        {
            errors["attributes"] = [$"At most {MaxAttributes} attributes."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
