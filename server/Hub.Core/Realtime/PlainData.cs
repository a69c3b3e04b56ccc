using System.Text.Json;

namespace Hub.Core.Realtime;

/// <summary>
/// Turns free-form JSON (notification data, attributes) into plain .NET values — strings, numbers,
/// booleans, lists, dictionaries — which every hub protocol can write, MessagePack included.
/// </summary>
public static class PlainData
{
    public static Dictionary<string, object?> From(IReadOnlyDictionary<string, JsonElement> data) =>
        data.ToDictionary(kv => kv.Key, kv => From(kv.Value));

    public static Dictionary<string, object?> From(IReadOnlyDictionary<string, object?> data) =>
        data.ToDictionary(kv => kv.Key, kv => kv.Value is JsonElement e ? From(e) : kv.Value);

    public static object? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(From).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value)),
        _ => null,
    };
}
