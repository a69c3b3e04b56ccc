using System.Text.RegularExpressions;

namespace Hub.Server.Modules.Inbox;

/// <summary>Reads a CSAT answer: a reply that is just a score from 1 to 5.</summary>
public static partial class CsatScore
{
    /// <summary>
    /// The score when the reply is a lone digit 1–5, optionally followed by <c>/5</c>, <c>star(s)</c> and
    /// punctuation, with any whitespace around (<c>"5"</c>, <c>" 4 "</c>, <c>"4/5"</c>, <c>"5 stars"</c>, <c>"3."</c>);
    /// null for anything else (<c>"0"</c>, <c>"10"</c>, <c>"2.5"</c>, <c>"5 but slow"</c>). In an email only the text above the quoted
    /// question counts.
    /// </summary>
    public static int? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('>') || QuoteHeader().IsMatch(trimmed))
            {
                break;
            }

            lines.Add(trimmed);
        }

        var match = Score().Match(string.Join(' ', lines));
        return match.Success ? match.Groups[1].Value[0] - '0' : null;
    }

    [GeneratedRegex(@"^\s*([1-5])\s*(?:/\s*5)?\s*(?:stars?)?\s*[.!]*\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Score();

    [GeneratedRegex(@"^On .+ wrote:$", RegexOptions.CultureInvariant)]
    private static partial Regex QuoteHeader();
}
