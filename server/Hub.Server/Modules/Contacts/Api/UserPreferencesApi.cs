using Hub.Core.Notifications;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary><c>/api/v1/users/{user_id}/preferences</c>: what a user agreed to receive, and when.</summary>
public static class UserPreferencesApi
{
    internal static async Task<Results<Ok<PreferencesResponse>, ProblemHttpResult>> GetAsync(
        string userId, HubDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Contacts.AsNoTracking().Where(c => c.ExternalId == userId)
            .Select(c => new { c.Id, c.TimeZone }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return UsersApi.UserNotFound(userId);
        }

        var stored = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == user.Id, cancellationToken);
        return TypedResults.Ok(Reply(userId, PreferenceChanges.Effective(stored, user.Id), user.TimeZone, stored?.UpdatedAt));
    }

    /// <summary>
    /// Changes the preferences; when something actually changed, records a <c>preferences_changed</c> event
    /// (properties <c>changed</c>, <c>before</c>, <c>after</c>) in the same save.
    /// </summary>
    internal static async Task<Results<Ok<PreferencesResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string userId, UpdatePreferencesRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.UserId is not null && request.UserId != userId)
        {
            return Problems.Invalid("user_id", "user_id in the body must match the one in the URL.");
        }

        var user = await db.Contacts.FirstOrDefaultAsync(c => c.ExternalId == userId, cancellationToken);
        if (user is null)
        {
            return UsersApi.UserNotFound(userId);
        }

        var stored = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.ContactId == user.Id, cancellationToken);
        var result = PreferenceChanges.Apply(PreferenceChanges.Effective(stored, user.Id), user.TimeZone, request);
        if (result.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (result.ChangeCount == 0)
        {
            return TypedResults.Ok(Reply(userId, PreferenceChanges.Effective(stored, user.Id), user.TimeZone, stored?.UpdatedAt));
        }

        var now = clock.GetUtcNow();
        var next = result.Preferences!;
        if (stored is null)
        {
            stored = new NotificationPreferences { ContactId = user.Id };
            db.NotificationPreferences.Add(stored);
        }

        stored.EmailEnabled = next.EmailEnabled;
        stored.SmsEnabled = next.SmsEnabled;
        stored.PushEnabled = next.PushEnabled;
        stored.WhatsAppEnabled = next.WhatsAppEnabled;
        stored.Categories = next.Categories;
        stored.Channels = next.Channels;
        stored.QuietHoursEnabled = next.QuietHoursEnabled;
        stored.QuietHoursStart = next.QuietHoursStart;
        stored.QuietHoursEnd = next.QuietHoursEnd;
        stored.UpdatedAt = now;
        if (user.TimeZone != result.Timezone)
        {
            user.TimeZone = result.Timezone;
            user.UpdatedAt = now;
        }

        UserEvents.Record(db, user, UserEvents.PreferencesChanged, result.Event, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.Entry(stored).State == EntityState.Added)
        {
            // A parallel first write created the row: both were changes from the defaults, the other one won.
            return Problems.Conflict("The preferences were changed at the same time by another request; read them and try again.");
        }

        return TypedResults.Ok(Reply(userId, stored, user.TimeZone, now));
    }

    private static PreferencesResponse Reply(string userId, NotificationPreferences preferences, string? timezone, DateTimeOffset? updatedAt) =>
        new(userId, PreferencesBody.From(PreferenceChanges.Effective(preferences, preferences.ContactId)), timezone, updatedAt);
}
