namespace Hub.Server.Infrastructure;

/// <summary>Reads an enum from a query string the way the JSON bodies spell it: <c>whatsapp</c>, <c>WhatsApp</c>, <c>multi_channel</c>.</summary>
public static class QueryEnum
{
    public static bool TryParse<T>(string? value, out T? result)
        where T : struct, Enum
    {
        result = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (Enum.TryParse<T>(value.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            result = parsed;
            return true;
        }

        return false;
    }

    public static string Allowed<T>()
        where T : struct, Enum =>
        string.Join(", ", Enum.GetNames<T>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)));
}
