using System.Text;
using MimeKit.Text;

namespace Hub.Adapters.Email.Inbound;

/// <summary>
/// HTML mail to readable text: block elements become line breaks, scripts and styles vanish, and quoted
/// history that mail clients mark up (blockquote, Gmail's <c>gmail_quote</c>, Outlook's <c>divRplyFwdMsg</c>,
/// Apple's and Thunderbird's cite blocks) is left out when <c>withoutQuotes</c> is set.
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<string> Block = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre", "section", "article", "header", "footer",
    };

    private static readonly HashSet<string> Hidden = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "title" };

    public static string Convert(string html, bool withoutQuotes)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true };
        var text = new StringBuilder();
        var skipDepth = 0;            // > 0 while inside an element whose content is left out
        var skipStack = new Stack<string>();
        var quoteCut = false;

        while (tokenizer.ReadNextToken(out var token))
        {
            if (quoteCut)
            {
                break;
            }

            switch (token)
            {
                case HtmlTagToken tag:
                    var name = tag.Name;
                    if (skipDepth > 0)
                    {
                        if (name.Equals(skipStack.Peek(), StringComparison.OrdinalIgnoreCase) && !tag.IsEmptyElement)
                        {
                            skipDepth += tag.IsEndTag ? -1 : 1;
                        }

                        if (skipDepth == 0)
                        {
                            skipStack.Pop();
                        }

                        continue;
                    }

                    if (!tag.IsEndTag && !tag.IsEmptyElement && (Hidden.Contains(name) || withoutQuotes && IsQuote(tag)))
                    {
                        skipDepth = 1;
                        skipStack.Push(name);
                        continue;
                    }

                    // Outlook puts the quoted history after this marker as siblings, not inside it.
                    if (withoutQuotes && !tag.IsEndTag && tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id
                        && a.Value is "divRplyFwdMsg" or "appendonsend"))
                    {
                        quoteCut = true;
                        continue;
                    }

                    if (Block.Contains(name))
                    {
                        text.Append('\n');
                    }
                    else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) && tag.IsEndTag)
                    {
                        text.Append(' ');
                    }

                    break;
                case HtmlDataToken data when skipDepth == 0:
                    text.Append(CollapseWhitespace(data.Data));
                    break;
            }
        }

        return Tidy(text.ToString());
    }

    private static bool IsQuote(HtmlTagToken tag)
    {
        if (tag.Name.Equals("blockquote", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var attribute in tag.Attributes)
        {
            if (attribute.Id == HtmlAttributeId.Class && attribute.Value is { } cls
                && (cls.Contains("gmail_quote", StringComparison.OrdinalIgnoreCase) || cls.Contains("moz-cite-prefix", StringComparison.OrdinalIgnoreCase)
                    || cls.Contains("yahoo_quoted", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static string CollapseWhitespace(string data)
    {
        var sb = new StringBuilder(data.Length);
        var space = false;
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) && c != '\u00a0')
            {
                if (!space)
                {
                    sb.Append(' ');
                }

                space = true;
            }
            else
            {
                sb.Append(c == '\u00a0' ? ' ' : c);
                space = false;
            }
        }

        return sb.ToString();
    }

    private static string Tidy(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var sb = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(blank > 0 ? "\n\n" : "\n");
            }

            sb.Append(line);
            blank = 0;
        }

        return sb.ToString();
    }
}
