namespace Hub.Server.Modules.Channels.Twilio;

/// <summary>A Twilio webhook's form as posted: every pair (for the signature) and the first value of each field (for reading).</summary>
internal sealed record TwilioForm(IReadOnlyList<KeyValuePair<string, string>> Pairs, IReadOnlyDictionary<string, string> Values)
{
    public static async Task<TwilioForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        var pairs = new List<KeyValuePair<string, string>>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, fieldValues) in form)
        {
            foreach (var value in fieldValues)
            {
                pairs.Add(new(key, value ?? string.Empty));
            }

            values[key] = fieldValues.FirstOrDefault() ?? string.Empty;
        }

        return new TwilioForm(pairs, values);
    }
}
