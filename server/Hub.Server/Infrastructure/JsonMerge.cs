using System.Text.Json;

namespace Hub.Server.Infrastructure;

/// <summary>How PATCH bodies change free-form JSON maps (attributes, settings): keys are set, and a null removes one.</summary>
public static class JsonMerge
{
    public static Dictionary<string, JsonElement> Apply(IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> changes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        var merged = new Dictionary<string, JsonElement>(current);
        foreach (var (key, value) in changes)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
