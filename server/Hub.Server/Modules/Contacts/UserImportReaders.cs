using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Contacts.Api;
namespace Hub.Server.Modules.Contacts;

/// <summary>One row of an import: the user it describes, or why it could not be read.</summary>
/// <param name="Row">Where it is in the file: the CSV line (the header is line 1; a record is one line), the NDJSON line, or the 1-based position in a JSON array.</param>
public sealed record ImportRow(long Row, string? UserId, UserRequest? Request, Dictionary<string, string[]>? Errors)
{
    public static ImportRow Invalid(long row, string? userId, string field, string message) =>
        new(row, userId, null, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The file as a whole cannot be read (no header, not a JSON array…): nothing was imported.</summary>
public sealed class ImportFormatException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Reads an import body row by row as it arrives (never the whole file): a JSON array, NDJSON or CSV. A row that
/// cannot be read becomes an <see cref="ImportRow"/> with errors, and reading goes on (except for broken JSON
/// syntax in an array, after which nothing more can be read).
/// </summary>
public static class UserImportReaders
{
    /// <summary>The CSV columns besides <c>attributes.&lt;key&gt;</c>.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
        ["user_id", "email", "phone", "first_name", "last_name", "timezone", "language", "is_active", "dob", "main_device_id"];

    public static async IAsyncEnumerable<ImportRow> ReadJsonArrayAsync(
        Stream body, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var items = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, options, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        for (long row = 1; ; row++)
        {
            var item = default(JsonElement);
            string? broken = null;
            try
            {
                if (!await items.MoveNextAsync())
                {
                    yield break;
                }

                item = items.Current;
            }
            catch (JsonException e)
            {
                broken = BadRequestExceptionHandler.Describe(e);
            }

            if (broken is not null)
            {
                if (row == 1)
                {
                    throw new ImportFormatException("$", $"The body is not a JSON array of users: {broken}");
                }

                yield return ImportRow.Invalid(row, null, "$", $"The JSON is broken from here on, so the rest of the file was not read: {broken}");
                yield break;
            }

            yield return FromJson(row, item, options);
        }
    }

    public static async IAsyncEnumerable<ImportRow> ReadNdjsonAsync(
        Stream body, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var item = default(JsonElement);
            string? broken = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                item = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                broken = BadRequestExceptionHandler.Describe(e);
            }

            yield return broken is null
                ? FromJson(line, item, options)
                : ImportRow.Invalid(line, null, "$", $"This line is not JSON: {broken}");
        }
    }

    public static async IAsyncEnumerable<ImportRow> ReadCsvAsync(
        Stream body, JsonSerializerOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var csvOptions = CsvReaderOptions.Default with
        {
            Separator = ',',
            TrimWhitespace = true,
            // One record per line: a stray quote then spoils its own row, not the rest of the file.
            AllowLineBreaksInQuotes = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record => malformed[record.RecordNumber] = record.Reason,
        };
        await using var csv = CsvReader.Create(body, csvOptions, leaveOpen: true);
        await csv.ReadHeaderAsync(cancellationToken);
        string[] header = [.. csv.Headers.Select(h => h.Trim())];
        if (header.Length == 0)
        {
            throw new ImportFormatException("$", "The CSV is empty: it needs a header row such as user_id,email,first_name.");
        }

        CheckHeader(header);
        var userIdAt = Array.IndexOf(header, "user_id");
        while (await csv.ReadAsync(cancellationToken))
        {
            var record = new string[csv.FieldCount];
            for (var i = 0; i < record.Length; i++)
            {
                record[i] = csv.GetString(i)?.Trim() ?? string.Empty;
            }

            var row = csv.LineNumber;
            var userId = userIdAt < record.Length && record[userIdAt] is { Length: > 0 } id ? id : null;
            if (malformed.Remove(csv.RowNumber + 1, out var reason)) // its number counting the header
            {
                yield return ImportRow.Invalid(row, userId, "$", $"The row is not well-formed CSV ({Describe(reason)}).");
            }
            else if (record.Length != header.Length)
            {
                yield return ImportRow.Invalid(row, userId, "$", $"The row has {record.Length} fields; the header has {header.Length}.");
            }
            else
            {
                yield return FromCsv(row, userId, header, record, options);
            }
        }
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "a quote that is never closed",
        _ => "bad quoting",
    };

    private static void CheckHeader(string[] header)
    {
        foreach (var column in header)
        {
            var known = CsvColumns.Contains(column)
                || (column.StartsWith("attributes.", StringComparison.Ordinal) && column.Length > "attributes.".Length);
            if (!known)
            {
                throw new ImportFormatException(column.Length == 0 ? "$" : column,
                    $"'{column}' is not a column Hub knows: use {string.Join(", ", CsvColumns)} or attributes.<key>.");
            }
        }

        if (header.Distinct(StringComparer.Ordinal).Count() != header.Length)
        {
            throw new ImportFormatException("$", "A column appears twice in the header.");
        }

        if (!header.Contains("user_id"))
        {
            throw new ImportFormatException("user_id", "The header needs a user_id column.");
        }
    }

    // The row becomes the JSON object a client would have sent, so CSV rows are read and checked like JSON ones.
    // An empty cell is a value not given (kept on update); attribute values are strings.
    private static ImportRow FromCsv(long row, string? userId, string[] header, string[] record, JsonSerializerOptions options)
    {
        var user = new JsonObject();
        JsonObject? attributes = null;
        for (var i = 0; i < header.Length; i++)
        {
            var cell = record[i];
            if (cell.Length == 0)
            {
                continue;
            }

            var column = header[i];
            if (column.StartsWith("attributes.", StringComparison.Ordinal))
            {
                attributes ??= [];
                attributes[column["attributes.".Length..]] = cell;
            }
            else if (column == "is_active")
            {
                bool? active = cell.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" => true,
                    "false" or "0" or "no" => false,
                    _ => null,
                };
                if (active is null)
                {
                    return ImportRow.Invalid(row, userId, "is_active", $"'{cell}' is not true or false.");
                }

                user[column] = active.Value;
            }
            else
            {
                user[column] = cell;
            }
        }

        if (attributes is not null)
        {
            user["attributes"] = attributes;
        }

        return FromJson(row, JsonSerializer.SerializeToElement(user), options);
    }

    private static ImportRow FromJson(long row, JsonElement item, JsonSerializerOptions options)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return ImportRow.Invalid(row, null, "$", "Each user must be a JSON object.");
        }

        var userId = item.TryGetProperty("user_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        try
        {
            var request = item.Deserialize<UserRequest>(options);
            return request is null
                ? ImportRow.Invalid(row, userId, "$", "Each user must be a JSON object.")
                : new ImportRow(row, userId, request, null);
        }
        catch (JsonException e)
        {
            return ImportRow.Invalid(row, userId, BadRequestExceptionHandler.FieldOf(e.Path), BadRequestExceptionHandler.Describe(e));
        }
    }
}
