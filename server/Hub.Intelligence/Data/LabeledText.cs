namespace Hub.Intelligence.Data;

/// <summary>One training or evaluation row: a text, the label a person gave it, and where it came from.</summary>
public sealed record LabeledText(string Text, string Label, string Source = "");
