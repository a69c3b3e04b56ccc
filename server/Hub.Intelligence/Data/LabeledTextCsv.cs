namespace Hub.Intelligence.Data;

/// <summary>
/// Loads any <c>text,label</c> CSV with a header row (Banking77's <c>text,category</c>, a workspace's own
/// taxonomy, corrected labels exported from the dashboard). The text column is <c>text</c> (else the first),
/// the label column is the first of <c>label</c>, <c>category</c>, <c>intent</c>, <c>class</c> (else the second).
/// </summary>
public static class LabeledTextCsv
{
    private static readonly string[] LabelColumnNames = ["label", "category", "intent", "class"];

    /// <summary>Reads the file; rows with an empty text or label are skipped.</summary>
    public static IReadOnlyList<LabeledText> Load(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> tags every row.</summary>
    public static IReadOnlyList<LabeledText> Read(TextReader reader, string source = "")
    {
        using var records = Csv.ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext()) return [];

        var header = records.Current.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var textColumn = header.IndexOf("text") is var t and >= 0 ? t : 0;
        var labelColumn = LabelColumnNames.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        if (labelColumn < 0) labelColumn = textColumn == 0 ? 1 : 0;

        var rows = new List<LabeledText>();
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.Count <= Math.Max(textColumn, labelColumn)) continue;
            var text = record[textColumn].Trim();
            var label = record[labelColumn].Trim();
            if (text.Length == 0 || label.Length == 0) continue;
            rows.Add(new LabeledText(text, label, source));
        }

        return rows;
    }
}
