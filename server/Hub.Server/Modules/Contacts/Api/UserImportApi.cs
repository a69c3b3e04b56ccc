using System.Text.Json;
using Hub.Core.Contacts;
using Hub.Data;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Hub.Server.Modules.Contacts;

namespace Hub.Server.Modules.Contacts.Api;

/// <summary>
/// <c>POST /api/v1/users/import</c>: creates or updates many users from a CSV, JSON-array or NDJSON body, read as it
/// arrives and written in batches. Each row is an upsert like <c>PUT /api/v1/users/{user_id}</c>; a bad row is
/// reported and skipped, never half-written, and never stops the rest. Imports record no per-row
/// <c>user_registered</c>/<c>profile_updated</c> events, to keep them fast.
/// </summary>
public static partial class UserImportApi
{
    private const string Csv = "text/csv";
    private const string Json = "application/json";
    private const string Ndjson = "application/x-ndjson";

    internal static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest request, HubDbContext db, TimeProvider clock, IOptions<UsersOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        if (mediaType is not (Csv or Json or Ndjson))
        {
            return TypedResults.Problem($"Send the users as {Csv}, {Json} (an array) or {Ndjson}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        var limit = options.Value.MaxImportBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit, null);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // The server's default limit is for ordinary requests; ImportBodyStream enforces the import's own, and
            // reports what was imported before it was reached.
            sizeFeature.MaxRequestBodySize = null;
        }

        var serializer = json.Value.SerializerOptions;
        await using var body = new ImportBodyStream(request.Body, limit);
        var rows = mediaType switch
        {
            Csv => UserImportReaders.ReadCsvAsync(body, serializer, cancellationToken),
            Ndjson => UserImportReaders.ReadNdjsonAsync(body, serializer, cancellationToken),
            _ => UserImportReaders.ReadJsonArrayAsync(body, serializer, cancellationToken),
        };

        var report = new ImportReportBuilder();
        var writer = new UserImportWriter(db, clock, report);
        var batch = new List<ImportRow>(options.Value.ImportBatchSize);
        try
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            await foreach (var row in rows)
            {
                var errors = row.Errors ?? UserRules.Check(row.Request!, today, requireUserId: true);
                if (errors is not null)
                {
                    report.Reject(row.Row, row.UserId, errors);
                    continue;
                }

                batch.Add(row);
                if (batch.Count == options.Value.ImportBatchSize)
                {
                    await writer.WriteAsync(batch, cancellationToken);
                    batch.Clear();
                }
            }

            await writer.WriteAsync(batch, cancellationToken);
        }
        catch (ImportFormatException e) when (report.Processed == 0 && batch.Count == 0)
        {
            return Infrastructure.Problems.Invalid(e.Field, e.Message);
        }
        catch (Exception) when (body.Exceeded)
        {
            return TooLarge(limit, report.Build());
        }

        var result = report.Build();
        Imported(loggers.CreateLogger(typeof(UserImportApi).FullName!), result.Processed, result.Created, result.Updated, result.Rejected);
        return TypedResults.Ok(result);
    }

    private static ProblemHttpResult TooLarge(long limit, ImportReport? partial)
    {
        var extensions = new Dictionary<string, object?> { ["max_import_bytes"] = limit };
        if (partial is not null)
        {
            extensions["report"] = partial;
        }

        return TypedResults.Problem(
            partial is null
                ? $"The import is larger than {limit} bytes (Users:MaxImportBytes); nothing was imported."
                : $"The import grew past {limit} bytes (Users:MaxImportBytes); the rows read before that are in 'report', the rest were not imported.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", extensions: extensions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User import: {Processed} rows, {Created} created, {Updated} updated, {Rejected} rejected")]
    private static partial void Imported(ILogger logger, int processed, int created, int updated, int rejected);
}

/// <summary>Upserts one batch of valid import rows: one query for the users that exist, one save.</summary>
internal sealed class UserImportWriter(HubDbContext db, TimeProvider clock, ImportReportBuilder report)
{
    public async Task WriteAsync(List<ImportRow> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        if (await TryWriteAsync(batch, cancellationToken))
        {
            return;
        }

        // The batch could not be saved (a user created meanwhile by another request, most likely): row by row,
        // so only the row that cannot be saved is rejected.
        foreach (var row in batch)
        {
            if (!await TryWriteAsync([row], cancellationToken))
            {
                report.Reject(row.Row, row.UserId, new() { ["$"] = ["The user could not be saved (changed by another request at the same time); send the row again."] });
            }
        }
    }

    private async Task<bool> TryWriteAsync(List<ImportRow> rows, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = rows.Select(r => r.Request!.UserId!).Distinct().ToList();
        var users = await db.Contacts.Where(c => ids.Contains(c.ExternalId!)).ToDictionaryAsync(c => c.ExternalId!, cancellationToken);
        var outcomes = new List<(ImportRow Row, bool? Created)>(rows.Count);
        foreach (var row in rows)
        {
            var request = row.Request!;
            var userId = request.UserId!;
            if (users.TryGetValue(userId, out var user))
            {
                var changed = UserRules.Apply(user, request);
                if (changed is { Count: > 0 })
                {
                    user.UpdatedAt = now;
                }

                outcomes.Add((row, changed is null ? null : false));
            }
            else
            {
                user = new Contact { ExternalId = userId, CreatedAt = now, UpdatedAt = now };
                UserRules.Apply(user, request);
                db.Contacts.Add(user);
                users[userId] = user; // a later row for the same user updates this one
                outcomes.Add((row, true));
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear(); // keeps memory flat however long the file
        }

        foreach (var (row, created) in outcomes)
        {
            if (created is { } isNew)
            {
                report.Count(isNew);
            }
            else
            {
                report.Reject(row.Row, row.UserId, new() { ["attributes"] = [$"At most {Hub.Server.Modules.Contacts.Api.ContactRules.MaxAttributes} attributes once merged with the stored ones."] });
            }
        }

        return true;
    }
}
