using Hub.Adapters.Sms;

namespace Hub.Adapters.Tests.Sms;

public sealed class SmsSegmentsTests
{
    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Plain_text_is_gsm7_with_160_alone_and_153_per_part(int length, int segments)
    {
        var count = SmsSegments.Count(new string('a', length));

        Assert.Equal(SmsEncoding.Gsm7, count.Encoding);
        Assert.Equal(segments, count.Segments);
        Assert.Equal(length, count.Units);
    }

    [Fact]
    public void Gsm7_covers_its_accented_letters_and_greek_capitals()
    {
        var count = SmsSegments.Count("Café à Zürich? ¡Hola! ΔΩ £5 @home §1 ñ");

        Assert.Equal(SmsEncoding.Gsm7, count.Encoding);
        Assert.Equal(1, count.Segments);
    }

    [Fact]
    public void Extension_table_characters_count_as_two_septets()
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, 160), SmsSegments.Count(Repeat("€", 80)));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 2, 162), SmsSegments.Count(Repeat("€", 81)));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Gsm7, 1, 18), SmsSegments.Count("{[]}\\~^|€"));
    }

    [Fact]
    public void An_extension_character_never_straddles_two_parts()
    {
        // 152 + 2 + 152 = 306 septets would fit two parts of 153, but the euro sign cannot be split: three parts.
        var count = SmsSegments.Count(new string('a', 152) + "€" + new string('a', 152));

        Assert.Equal(306, count.Units);
        Assert.Equal(3, count.Segments);
    }

    [Fact]
    public void One_character_outside_gsm7_makes_the_whole_message_ucs2()
    {
        var text = new string('a', 69) + "ć";

        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 1, 70), SmsSegments.Count(text));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 2, 71), SmsSegments.Count(text + "a"));
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count("你好").Encoding);
    }

    [Fact]
    public void Emoji_are_ucs2_and_take_two_units_each()
    {
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 1, 2), SmsSegments.Count("😀"));
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 1, 70), SmsSegments.Count(Repeat("😀", 35)));
        Assert.Equal(2, SmsSegments.Count(Repeat("😀", 36)).Segments);
    }

    [Fact]
    public void A_surrogate_pair_never_straddles_two_parts()
    {
        // 134 units would be exactly two parts of 67, but 33 emoji (66 units) fill a part: 33 + 33 + 1.
        var count = SmsSegments.Count(Repeat("😀", 67));

        Assert.Equal(134, count.Units);
        Assert.Equal(3, count.Segments);
    }

    [Theory]
    [InlineData(67 * 2, 2)]
    [InlineData(67 * 2 + 1, 3)]
    public void Ucs2_parts_hold_67_units(int length, int segments)
    {
        Assert.Equal(segments, SmsSegments.Count(new string('ж', length)).Segments);
    }
}
