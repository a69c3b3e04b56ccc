namespace Hub.Adapters.Sms;

/// <summary>How an SMS body is encoded on the air.</summary>
public enum SmsEncoding
{
    /// <summary>The GSM 03.38 7-bit alphabet: 160 characters in one message, 153 per part of a longer one.</summary>
    Gsm7,

    /// <summary>Anything outside GSM-7 (emoji, most non-Latin scripts): 70 UTF-16 units alone, 67 per part.</summary>
    Ucs2,
}

/// <summary>The encoding and number of billed parts of an SMS body.</summary>
/// <param name="Encoding">GSM-7 when every character is in the GSM-7 tables, otherwise UCS-2.</param>
/// <param name="Segments">Parts the carrier sends (0 for an empty body).</param>
/// <param name="Units">Septets (GSM-7, extension characters counted as 2) or UTF-16 code units (UCS-2).</param>
public sealed record SmsSegmentCount(SmsEncoding Encoding, int Segments, int Units);

/// <summary>
/// Counts SMS segments before sending, so an over-long message fails with a reason instead of being split into a
/// bill. A character never straddles two parts: an extension character (escape + char) or a surrogate pair that
/// does not fit moves to the next part, as handsets and Twilio split them.
/// </summary>
public static class SmsSegments
{
    private const int Gsm7Single = 160;
    private const int Gsm7Part = 153;
    private const int Ucs2Single = 70;
    private const int Ucs2Part = 67;

    // GSM 03.38 basic character set (as .NET chars) and its extension table, whose characters take an escape septet too.
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    public static SmsSegmentCount Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return new SmsSegmentCount(SmsEncoding.Gsm7, 0, 0);
        }

        return IsGsm7(text) ? CountGsm7(text) : CountUcs2(text);
    }

    /// <summary>True when every character can be sent in the GSM-7 alphabet (with its extension table).</summary>
    public static bool IsGsm7(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (!Basic.Contains(c, StringComparison.Ordinal) && !Extension.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static SmsSegmentCount CountGsm7(string text)
    {
        var widths = text.Select(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1).ToList();
        var total = widths.Sum();
        return new SmsSegmentCount(SmsEncoding.Gsm7, total <= Gsm7Single ? 1 : Pack(widths, Gsm7Part), total);
    }

    private static SmsSegmentCount CountUcs2(string text)
    {
        var widths = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                widths.Add(2);
                i++;
            }
            else
            {
                widths.Add(1);
            }
        }

        return new SmsSegmentCount(SmsEncoding.Ucs2, text.Length <= Ucs2Single ? 1 : Pack(widths, Ucs2Part), text.Length);
    }

    private static int Pack(List<int> widths, int capacity)
    {
        var parts = 1;
        var used = 0;
        foreach (var width in widths)
        {
            if (used + width > capacity)
            {
                parts++;
                used = 0;
            }

            used += width;
        }

        return parts;
    }
}
