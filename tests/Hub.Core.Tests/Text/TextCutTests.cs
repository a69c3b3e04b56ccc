using System.Text;
using Hub.Core.Text;

namespace Hub.Core.Tests.Text;

public sealed class TextCutTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void A_cut_that_would_split_an_emoji_keeps_the_whole_character_out_and_stays_encodable()
    {
        var text = "abc" + "\U0001F600" + "def"; // the emoji is chars 3 and 4

        var cut = TextCut.Cut(text, 4);

        Assert.Equal("abc", cut);
        Assert.Equal(3, StrictUtf8.GetByteCount(cut));
    }

    [Fact]
    public void A_cut_after_a_whole_emoji_keeps_it()
    {
        Assert.Equal("abc\U0001F600", TextCut.Cut("abc\U0001F600def", 5));
    }

    [Fact]
    public void Text_that_fits_is_returned_unchanged_and_null_passes_through()
    {
        Assert.Equal("hello", TextCut.Cut("hello", 5));
        Assert.Null(TextCut.CutOrNull(null, 5));
    }

    [Fact]
    public void A_cut_with_a_mark_fits_the_limit_with_the_mark_and_never_splits_a_pair()
    {
        var text = new string('x', 8) + "\U0001F600" + new string('y', 20);

        var cut = TextCut.Cut(text, 12, "...");

        Assert.Equal(new string('x', 8) + "...", cut); // 9 chars would end inside the emoji
        Assert.True(cut.Length <= 12);
        Assert.Equal("short", TextCut.Cut("short", 12, "..."));
    }

    [Fact]
    public void Unpaired_surrogates_become_the_replacement_character_and_pairs_are_kept()
    {
        var text = "a\uD83Db" + "\U0001F600" + "c\uDE00" + "\uD83D";

        var whole = TextCut.WholeCharacters(text);

        Assert.Equal("a\uFFFDb\U0001F600c\uFFFD\uFFFD", whole);
        _ = StrictUtf8.GetBytes(whole); // does not throw
        Assert.Same("plain", TextCut.WholeCharacters("plain"));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => TextCut.Cut(null!, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextCut.Cut("abc", -1));
    }
}
