using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary>
/// <c>/api/v1/users</c>: the spec's user service. A user is a contact addressed by your own user id
/// (<c>user_id</c>, the contact's <c>external_id</c>); creating and changing one records <c>user.analytics</c> events.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateUser");
        group.MapPost("/import", UserImportApi.ImportAsync).WithName("ImportUsers")
            .Accepts<UserRequest[]>("application/json", "application/x-ndjson", "text/csv");
        group.MapGet("/{userId}", GetAsync).WithName("GetUser");
        group.MapPut("/{userId}", UpsertAsync).WithName("UpsertUser");
        group.MapDelete("/{userId}", DeleteAsync).WithName("DeleteUser").RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/{userId}/preferences", UserPreferencesApi.GetAsync).WithName("GetUserPreferences");
        group.MapPut("/{userId}/preferences", UserPreferencesApi.UpdateAsync).WithName("UpdateUserPreferences");
        return app;
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(
        string userId, HubDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalId == userId, cancellationToken);
        return user is null ? UserNotFound(userId) : TypedResults.Ok(UserResponse.From(user));
    }

    internal static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        UserRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (UserRules.Check(request, DateOnly.FromDateTime(now.UtcDateTime), requireUserId: true) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = request.UserId!;
        if (await db.Contacts.AnyAsync(c => c.ExternalId == userId, cancellationToken))
        {
            return UserExists(userId);
        }

        var user = Register(db, userId, request, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a parallel create of the same user id: the unique index decided.
            return UserExists(userId);
        }

        return TypedResults.Created(Location(userId), UserResponse.From(user));
    }

    /// <summary>PUT is an upsert: 201 when the user is new, 200 when an existing one was updated.</summary>
    internal static async Task<Results<Created<UserResponse>, Ok<UserResponse>, ValidationProblem>> UpsertAsync(
        string userId, UserRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (UserRules.Check(request, DateOnly.FromDateTime(now.UtcDateTime), requireUserId: false) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (request.UserId is not null && request.UserId != userId)
        {
            return Problems.Invalid("user_id", "user_id in the body must match the one in the URL (user ids cannot be renamed).");
        }

        if (userId.Length > 200 || string.IsNullOrWhiteSpace(userId) || userId.Trim() != userId)
        {
            return Problems.Invalid("user_id", "user_id must be 1 to 200 characters, without surrounding spaces.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var user = await db.Contacts.FirstOrDefaultAsync(c => c.ExternalId == userId, cancellationToken);
            if (user is null)
            {
                user = Register(db, userId, request, now);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return TypedResults.Created(Location(userId), UserResponse.From(user));
                }
                catch (DbUpdateException) when (attempt == 0)
                {
                    // A parallel PUT created the same user first: this one becomes an update of it.
                    db.ChangeTracker.Clear();
                    continue;
                }
            }

            if (UserRules.Apply(user, request) is not { } changed)
            {
                return Problems.Invalid("attributes", $"At most {Hub.Server.Modules.Contacts.Api.ContactRules.MaxAttributes} attributes.");
            }

            if (changed.Count > 0)
            {
                user.UpdatedAt = now;
                UserEvents.Record(db, user, UserEvents.ProfileUpdated, UserEvents.Changed(changed), now);
                await db.SaveChangesAsync(cancellationToken);
            }

            return TypedResults.Ok(UserResponse.From(user));
        }
    }

    /// <summary>Deletes the user with their preferences, notifications and conversations (admins only).</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string userId, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await db.Contacts.FirstOrDefaultAsync(c => c.ExternalId == userId, cancellationToken);
        if (user is null)
        {
            return UserNotFound(userId);
        }

        db.Contacts.Remove(user);
        // The contact is gone, so the event points at no contact; the user id still says who it was.
        UserEvents.Record(db, user, UserEvents.AccountDeleted, [], clock.GetUtcNow()).ContactId = null;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>A new user from a validated request, with its <c>user_registered</c> event; both are saved by the caller.</summary>
    private static Contact Register(HubDbContext db, string userId, UserRequest request, DateTimeOffset now)
    {
        var user = new Contact { ExternalId = userId, CreatedAt = now, UpdatedAt = now };
        UserRules.Apply(user, request);
        db.Contacts.Add(user);
        UserEvents.Record(db, user, UserEvents.UserRegistered, [], now);
        return user;
    }

    internal static string Location(string userId) => $"/api/v1/users/{Uri.EscapeDataString(userId)}";

    internal static ProblemHttpResult UserNotFound(string userId) => Problems.NotFound($"User '{userId}'");

    private static ProblemHttpResult UserExists(string userId) => Problems.Conflict($"A user with user_id '{userId}' already exists.");
}
