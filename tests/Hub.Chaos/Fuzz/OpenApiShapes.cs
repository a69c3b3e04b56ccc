using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// What the host's OpenAPI document says each operation takes: query parameters and a request body schema, from
/// which a valid-shaped body is built (so a mutation of one member gets past "unreadable body" into validation
/// and the handler).
/// </summary>
public sealed class OpenApiShapes(JsonElement document)
{
    private const int MaxDepth = 6;

    /// <summary>The operation of <paramref name="method"/> on the route pattern, if the document describes it.</summary>
    public JsonElement? Operation(string method, string pattern)
    {
        if (!document.TryGetProperty("paths", out var paths))
        {
            return null;
        }

        // The document writes {id} where the route writes {id:guid} or {name?}.
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}([A-Za-z_]+)(:[^}]*)?\??\}", "{$1}");
        return paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out var operation) ? operation : null;
    }

    /// <summary>The query parameters of an operation.</summary>
    public static IReadOnlyList<(string Name, JsonElement Schema)> QueryParameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray()
                .Where(p => p.TryGetProperty("in", out var where) && where.GetString() == "query")
                .Select(p => (p.GetProperty("name").GetString()!, p.TryGetProperty("schema", out var s) ? s : default))
                .ToList()
            : [];

    /// <summary>The JSON request body schema of an operation, if it takes one.</summary>
    public static JsonElement? BodySchema(JsonElement operation) =>
        operation.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var content)
            && content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var schema)
            ? schema
            : null;

    /// <summary>A plausible value of <paramref name="schema"/>; <paramref name="ids"/> supplies uuids (known rows when it can).</summary>
    public JsonNode? Sample(JsonElement schema, Random random, Func<string, Guid> ids, string member = "", int depth = 0)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return null;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var choice = options.EnumerateArray().FirstOrDefault(o => TypeOf(Resolve(o)) != "null");
                return choice.ValueKind == JsonValueKind.Undefined ? null : Sample(choice, random, ids, member, depth + 1);
            }
        }

        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
        {
            var candidates = values.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).ToList();
            return candidates.Count == 0 ? null : JsonNode.Parse(candidates[random.Next(candidates.Count)].GetRawText());
        }

        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return TypeOf(schema) switch
        {
            "object" => SampleObject(schema, random, ids, depth),
            "array" => schema.TryGetProperty("items", out var items) ? new JsonArray(Sample(items, random, ids, member, depth + 1)) : new JsonArray(),
            "integer" => JsonValue.Create(Bounded(schema, 1)),
            "number" => JsonValue.Create(Bounded(schema, 1)),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "string" => JsonValue.Create(SampleString(format, member, ids, random)),
            _ => schema.TryGetProperty("properties", out _) ? SampleObject(schema, random, ids, depth) : null,
        };
    }

    private static long Bounded(JsonElement schema, long preferred)
    {
        var min = schema.TryGetProperty("minimum", out var lo) && lo.TryGetInt64(out var l) ? l : long.MinValue;
        var max = schema.TryGetProperty("maximum", out var hi) && hi.TryGetInt64(out var h) ? h : long.MaxValue;
        return Math.Clamp(preferred, min, max);
    }

    private static string SampleString(string? format, string member, Func<string, Guid> ids, Random random) => format switch
    {
        "uuid" => ids(member).ToString(),
        "date-time" => DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        "date" => DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "email" => $"fuzz{random.Next(1_000_000)}@example.com",
        "uri" or "url" => "https://hooks.invalid/fuzz",
        "duration" or "time-span" => "00:05:00",
        _ => member switch
        {
            _ when member.Contains("email", StringComparison.Ordinal) => $"fuzz{random.Next(1_000_000)}@example.com",
            _ when member.Contains("phone", StringComparison.Ordinal) => "+14155550" + random.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ when member.Contains("url", StringComparison.Ordinal) => "https://hooks.invalid/fuzz",
            _ when member.Contains("timezone", StringComparison.Ordinal) || member.Contains("time_zone", StringComparison.Ordinal) => "Europe/Paris",
            _ when member.Contains("language", StringComparison.Ordinal) || member.Contains("locale", StringComparison.Ordinal) => "en",
            _ when member.Contains("password", StringComparison.Ordinal) => "Fuzz-Passw0rd-" + random.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => $"fuzz {member} {random.Next(1000)}",
        },
    };

    private JsonObject SampleObject(JsonElement schema, Random random, Func<string, Guid> ids, int depth)
    {
        var result = new JsonObject();
        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                result[property.Name] = Sample(property.Value, random, ids, property.Name, depth + 1);
            }
        }

        return result;
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "null"
            : type.GetString();
    }

    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; hops < 10 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = document.GetProperty("components").GetProperty("schemas").TryGetProperty(name, out var target) ? target : default;
        }

        return schema;
    }
}
