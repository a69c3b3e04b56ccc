using Hub.Adapters.Sms;

namespace Hub.Adapters.Tests.Sms;

public sealed class SmsKeywordsTests
{
    [Theory]
    [InlineData("STOP", ConsentChange.OptOut)]
    [InlineData("stop", ConsentChange.OptOut)]
    [InlineData("  Stop. ", ConsentChange.OptOut)]
    [InlineData("UNSUBSCRIBE", ConsentChange.OptOut)]
    [InlineData("cancel", ConsentChange.OptOut)]
    [InlineData("end", ConsentChange.OptOut)]
    [InlineData("quit", ConsentChange.OptOut)]
    [InlineData("stopall", ConsentChange.OptOut)]
    [InlineData("START", ConsentChange.OptIn)]
    [InlineData("yes", ConsentChange.OptIn)]
    [InlineData("Unstop", ConsentChange.OptIn)]
    [InlineData("HELP", ConsentChange.Help)]
    [InlineData("info", ConsentChange.Help)]
    [InlineData("please don't stop", ConsentChange.None)]
    [InlineData("stop sending me the wrong parcel", ConsentChange.None)]
    [InlineData("Where is my parcel?", ConsentChange.None)]
    [InlineData("", ConsentChange.None)]
    [InlineData(null, ConsentChange.None)]
    public void Only_a_whole_message_keyword_changes_consent(string? body, ConsentChange change)
    {
        Assert.Equal(change, SmsKeywords.Detect(body).Change);
    }

    [Fact]
    public void Twilios_opt_out_type_wins_over_the_body()
    {
        var keyword = SmsKeywords.Detect("arrêt", optOutType: "STOP");

        Assert.Equal(ConsentChange.OptOut, keyword.Change);
        Assert.Equal("STOP", keyword.Keyword);
        Assert.True(keyword.ChangesConsent);
        Assert.False(SmsKeywords.Detect("HELP").ChangesConsent);
    }
}
