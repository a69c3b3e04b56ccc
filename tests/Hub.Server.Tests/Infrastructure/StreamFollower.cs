using System.Text.Json;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// What a well-behaved client does with sequenced events (the JavaScript example does the same): each
/// seq once, in order; duplicates from a replay are dropped and early arrivals wait for the gap to fill.
/// </summary>
public sealed class StreamFollower
{
    private readonly SortedDictionary<long, JsonElement> _early = [];
    private readonly List<JsonElement> _delivered = [];

    public long LastSeq { get; private set; }

    public int Duplicates { get; private set; }

    public IReadOnlyList<JsonElement> Delivered => _delivered;

    public void Accept(JsonElement e)
    {
        var seq = e.GetProperty("seq").GetInt64();
        if (seq <= LastSeq || _early.ContainsKey(seq))
        {
            Duplicates++;
            return;
        }

        _early[seq] = e;
        while (_early.Remove(LastSeq + 1, out var next))
        {
            LastSeq++;
            _delivered.Add(next);
        }
    }
}
