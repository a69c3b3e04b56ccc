using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary><c>/api/v1/contacts</c>: the people the workspace talks to.</summary>
public static class ContactsApi
{
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListContacts");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetContact");
        group.MapPost("/", CreateAsync).WithName("CreateContact");
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateContact");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteContact").RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static async Task<Results<Ok<Page<ContactResponse>>, ValidationProblem>> ListAsync(
        HubDbContext db, string? search, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? PageCursor.DefaultLimit;
        if (take is < 1 or > PageCursor.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {PageCursor.MaxLimit}.");
        }

        var query = db.Contacts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(c => (c.Email != null && c.Email.ToLower().Contains(term))
                || (c.FirstName != null && c.FirstName.ToLower().Contains(term))
                || (c.LastName != null && c.LastName.ToLower().Contains(term))
                || (c.Phone != null && c.Phone.Contains(term))
                || (c.ExternalId != null && c.ExternalId.ToLower().Contains(term)));
        }

        if (cursor is not null)
        {
            if (!PageCursor.TryDecode(cursor, out var at, out var after))
            {
                return Problems.Invalid("cursor", "cursor is not one this API returned.");
            }

            query = query.Where(c => c.CreatedAt < at || (c.CreatedAt == at && c.Id.CompareTo(after) < 0));
        }

        var rows = await query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? PageCursor.Encode(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return TypedResults.Ok(new Page<ContactResponse>([.. rows.Take(take).Select(ContactResponse.From)], next));
    }

    internal static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetAsync(
        Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return contact is null ? Problems.NotFound("Contact") : TypedResults.Ok(ContactResponse.From(contact));
    }

    internal static async Task<Results<Created<ContactResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateContactRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.ExternalId is null && request.Email is null && request.Phone is null)
        {
            return Problems.Invalid("external_id", "Give at least one of external_id, email or phone.");
        }

        if (ContactRules.Check(request.Timezone, request.Attributes) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (request.ExternalId is not null && await db.Contacts.AnyAsync(c => c.ExternalId == request.ExternalId, cancellationToken))
        {
            return Problems.Conflict($"A contact with external_id '{request.ExternalId}' already exists.");
        }

        var now = clock.GetUtcNow();
        var contact = new Contact
        {
            ExternalId = request.ExternalId,
            FirstName = request.FirstName,
            LastName = request.LastName,
            Email = request.Email?.Trim().ToLowerInvariant(),
            Phone = request.Phone,
            TimeZone = request.Timezone,
            Language = request.Language,
            MainDeviceId = request.MainDeviceId,
            DateOfBirth = request.Dob,
            IsActive = request.IsActive ?? true,
            Attributes = request.Attributes ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Contacts.Add(contact);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (request.ExternalId is not null)
        {
            // Lost a race with a parallel create of the same external id: the unique index decided.
            return Problems.Conflict($"A contact with external_id '{request.ExternalId}' already exists.");
        }

        return TypedResults.Created($"/api/v1/contacts/{contact.Id}", ContactResponse.From(contact));
    }

    internal static async Task<Results<Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateContactRequest request, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ContactRules.Check(request.Timezone, request.Attributes) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return Problems.NotFound("Contact");
        }

        if (request.ExternalId is not null && request.ExternalId != contact.ExternalId
            && await db.Contacts.AnyAsync(c => c.ExternalId == request.ExternalId, cancellationToken))
        {
            return Problems.Conflict($"A contact with external_id '{request.ExternalId}' already exists.");
        }

        contact.ExternalId = request.ExternalId ?? contact.ExternalId;
        contact.FirstName = request.FirstName ?? contact.FirstName;
        contact.LastName = request.LastName ?? contact.LastName;
        contact.Email = request.Email?.Trim().ToLowerInvariant() ?? contact.Email;
        contact.Phone = request.Phone ?? contact.Phone;
        contact.TimeZone = request.Timezone ?? contact.TimeZone;
        contact.Language = request.Language ?? contact.Language;
        contact.MainDeviceId = request.MainDeviceId ?? contact.MainDeviceId;
        contact.DateOfBirth = request.Dob ?? contact.DateOfBirth;
        contact.IsActive = request.IsActive ?? contact.IsActive;
        if (request.Attributes is not null)
        {
            var merged = JsonMerge.Apply(contact.Attributes, request.Attributes);

            if (merged.Count > ContactRules.MaxAttributes)
            {
                return Problems.Invalid("attributes", $"At most {ContactRules.MaxAttributes} attributes.");
            }

            contact.Attributes = merged;
        }

        contact.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ContactResponse.From(contact));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.Contacts.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Problems.NotFound("Contact") : TypedResults.NoContent();
    }
}
