namespace Hub.Core.Text;

/// <summary>
/// Cutting text to a column's length without splitting a surrogate pair: half an emoji is a lone surrogate, which
/// UTF-8 cannot encode, so PostgreSQL's driver (and any UTF-8 writer) refuses the whole value.
/// </summary>
public static class TextCut
{
    /// <summary><paramref name="value"/> when it fits <paramref name="max"/> characters, otherwise its longest prefix that does and ends on a whole character.</summary>
    public static string Cut(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (value.Length <= max)
        {
            return value;
        }

        var end = max > 0 && char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..end];
    }

    /// <summary>As <see cref="Cut(string, int)"/>, passing null through.</summary>
    public static string? CutOrNull(string? value, int max) => value is null ? null : Cut(value, max);

    /// <summary>
    /// <paramref name="value"/> when it fits <paramref name="max"/>, otherwise cut so that it and <paramref name="mark"/>
    /// (an ellipsis, say) together fit.
    /// </summary>
    public static string Cut(string value, int max, string mark)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(mark);
        return value.Length <= max ? value : Cut(value, Math.Max(0, max - mark.Length)) + mark;
    }

    /// <summary><paramref name="value"/> with every unpaired surrogate replaced by U+FFFD, the replacement character.</summary>
    public static string WholeCharacters(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var first = NextLoneSurrogate(value, 0);
        if (first < 0)
        {
            return value;
        }

        return string.Create(value.Length, (value, first), static (span, state) =>
        {
            var (text, from) = state;
            text.AsSpan().CopyTo(span);
            for (var i = from; i >= 0; i = NextLoneSurrogate(text, i + 1))
            {
                span[i] = '\uFFFD';
            }
        });
    }

    /// <summary>The index of the first unpaired surrogate at or after <paramref name="start"/>, or -1.</summary>
    private static int NextLoneSurrogate(string value, int start)
    {
        for (var i = start; i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }
}
