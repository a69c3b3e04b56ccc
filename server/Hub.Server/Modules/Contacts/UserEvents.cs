using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Core.Rules;
using Hub.Data;

namespace Hub.Server.Modules.Contacts;

/// <summary>
/// The spec's <c>user.analytics</c> events Hub records itself when a user is created or changed. They are stored
/// as pending events, so rules may react to them like to any event a customer sends.
/// </summary>
public static class UserEvents
{
    public const string UserRegistered = "user_registered";
    public const string ProfileUpdated = "profile_updated";
    public const string PreferencesChanged = "preferences_changed";
    public const string AccountDeleted = "account_deleted";

    /// <summary>Adds the event to <paramref name="db"/>; it is written by the caller's SaveChanges, with the change itself.</summary>
    public static TrackedEvent Record(
        HubDbContext db, Contact contact, string eventType, Dictionary<string, JsonElement> properties, DateTimeOffset now, Guid? contactId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(contact);
        var tracked = new TrackedEvent
        {
            UserId = contact.ExternalId!,
            ContactId = contactId ?? contact.Id,
            EventType = eventType,
            OccurredAt = now,
            ReceivedAt = now,
            Properties = properties,
            Traits = new Dictionary<string, JsonElement>(contact.Attributes),
            Evaluation = EventEvaluation.Pending,
        };
        db.Events.Add(tracked);
        return tracked;
    }

    /// <summary><c>{"changed": [...]}</c>: the JSON names of the fields that changed.</summary>
    public static Dictionary<string, JsonElement> Changed(IEnumerable<string> fields) =>
        new() { ["changed"] = JsonSerializer.SerializeToElement(fields) };
}
