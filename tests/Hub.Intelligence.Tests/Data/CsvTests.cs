using Hub.Intelligence.Data;

namespace Hub.Intelligence.Tests.Data;

public sealed class CsvTests
{
    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks()
    {
        const string csv = "text,category\n"
            + "plain text,card_arrival\n"
            + "\"with, a comma\",card_linking\n"
            + "\"she said \"\"hi\"\"\",greeting\n"
            + "\"two\r\nlines\",multi_line\r\n"
            + "last,no_newline";

        var rows = LabeledTextCsv.Read(new StringReader(csv));

        Assert.Equal(
            [("plain text", "card_arrival"), ("with, a comma", "card_linking"), ("she said \"hi\"", "greeting"),
             ("two\r\nlines", "multi_line"), ("last", "no_newline")],
            rows.Select(r => (r.Text, r.Label)));
    }

    [Fact]
    public void Label_column_is_found_by_name_whatever_its_position()
    {
        const string csv = "intent,id,text\nrefund,1,I want my money back\n,2,no label is skipped\nbilling,3,\"\"\n";

        var rows = LabeledTextCsv.Read(new StringReader(csv));

        Assert.Equal([("I want my money back", "refund")], rows.Select(r => (r.Text, r.Label)));
    }

    [Fact]
    public void Empty_input_has_no_rows()
    {
        Assert.Empty(LabeledTextCsv.Read(new StringReader("")));
        Assert.Empty(LabeledTextCsv.Read(new StringReader("text,label\n")));
    }

    [Banking77Fact]
    public void Banking77_reads_into_ten_thousand_rows_of_77_intents()
    {
        Assert.True(TestData.Banking77Present, $"CI must have Banking77 at {TestData.Banking77Path}");

        var rows = LabeledTextCsv.Load(TestData.Banking77Path);

        Assert.Equal(10003, rows.Count);
        Assert.Equal(77, rows.Select(r => r.Label).Distinct().Count());
        Assert.All(rows, r => Assert.DoesNotContain("\"", r.Label));
    }
}
