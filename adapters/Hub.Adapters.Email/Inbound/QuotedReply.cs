using System.Text;
using System.Text.RegularExpressions;

namespace Hub.Adapters.Email.Inbound;

/// <summary>
/// Cuts the quoted history off a reply so the conversation shows what the customer wrote this time:
/// "On … wrote:" introductions (and their translations), "&gt;" lines, Outlook's "-----Original Message-----"
/// and "From: / Sent: / To: / Subject:" blocks after an underscore rule.
/// </summary>
public static partial class QuotedReply
{
    public static string Strip(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (StartsQuotedHistory(lines, i))
            {
                break;
            }

            if (trimmed.StartsWith('>'))
            {
                continue;
            }

            kept.Add(line.TrimEnd());
        }

        var result = string.Join('\n', kept).Trim('\n', '\r', ' ', '\t');
        return result.Length == 0 ? text.Trim() : result;
    }

    private static bool StartsQuotedHistory(string[] lines, int i)
    {
        var line = lines[i].Trim();
        if (line.Length == 0)
        {
            return false;
        }

        if (OriginalMessage().IsMatch(line) || ForwardedMessage().IsMatch(line))
        {
            return true;
        }

        // "On Mon, 23 Nov 2026 at 10:00, Ann <ann@example.com> wrote:" — clients wrap it over two or three lines.
        if (WroteIntro().IsMatch(line))
        {
            var joined = new StringBuilder(line);
            for (var j = i; j < Math.Min(lines.Length, i + 3); j++)
            {
                if (j > i)
                {
                    joined.Append(' ').Append(lines[j].Trim());
                }

                if (WroteOutro().IsMatch(joined.ToString()))
                {
                    return true;
                }
            }
        }

        // Outlook: an underscore rule, or a bare header block "From: … / Sent: … / To: … / Subject: …".
        if (UnderscoreRule().IsMatch(line) && NextNonEmpty(lines, i + 1) is { } next && OutlookHeader().IsMatch(next))
        {
            return true;
        }

        if (OutlookFrom().IsMatch(line))
        {
            var headers = 0;
            for (var j = i + 1; j < Math.Min(lines.Length, i + 6); j++)
            {
                if (OutlookHeader().IsMatch(lines[j].Trim()))
                {
                    headers++;
                }
            }

            return headers >= 2;
        }

        return false;
    }

    private static string? NextNonEmpty(string[] lines, int from)
    {
        for (var j = from; j < lines.Length; j++)
        {
            if (lines[j].Trim() is { Length: > 0 } s)
            {
                return s;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    [GeneratedRegex(@"^-{2,}\s*Forwarded message\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex ForwardedMessage();

    [GeneratedRegex(@"^(On|Le|Am|El|Il|Op|Em|W dniu)\s.+", RegexOptions.IgnoreCase)]
    private static partial Regex WroteIntro();

    [GeneratedRegex(@"(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|napisał)\s*:\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex WroteOutro();

    [GeneratedRegex(@"^_{10,}$")]
    private static partial Regex UnderscoreRule();

    [GeneratedRegex(@"^\*?(From|Von|De|Van)\s*:\*?\s+\S", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookFrom();

    [GeneratedRegex(@"^\*?(From|Sent|Date|To|Subject|Cc|Von|Gesendet|An|Betreff|De|Envoyé|À|Objet)\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookHeader();
}
