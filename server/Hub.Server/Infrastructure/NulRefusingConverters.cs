using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Refuses a NUL character (<c>\u0000</c>) anywhere in a request's strings, free-form JSON members and dictionary keys:
/// no text Hub stores has a use for it, and PostgreSQL cannot store it (in <c>text</c> or <c>jsonb</c>), so it would
/// otherwise fail the save with a 500 instead of a 400 naming the field.
/// </summary>
internal static class NulRefusingConverters
{
    public const string Message = "Text may not contain NUL (\\u0000) characters.";

    public static void AddTo(JsonSerializerOptions options)
    {
        options.Converters.Add(new StringConverter());
        options.Converters.Add(new ElementConverter());
    }

    private static string Check(string value) => value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException(Message) : value;

    private static bool HasNul(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Any(HasNul),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || HasNul(p.Value)),
        _ => false,
    };

    private sealed class StringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? Check(reader.GetString()!)
                : throw new JsonException(); // STJ's own "could not be converted" message, with the path

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Check(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
    }

    private sealed class ElementConverter : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var element = JsonElement.ParseValue(ref reader);
            return HasNul(element) ? throw new JsonException(Message) : element;
        }

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}
