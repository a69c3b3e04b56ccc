namespace Hub.Adapters.Sms;

/// <summary>What an inbound message asks of its sender's consent.</summary>
public enum ConsentChange
{
    /// <summary>An ordinary message.</summary>
    None,

    /// <summary>STOP and friends: send nothing more to this number on this channel.</summary>
    OptOut,

    /// <summary>START and friends: the number may be messaged again.</summary>
    OptIn,

    /// <summary>HELP: the sender wants to know who is messaging them and how to stop; consent is unchanged.</summary>
    Help,
}

/// <summary>The keyword found in an inbound SMS, and the consent change it asks for.</summary>
/// <param name="Change">What to do with the sender's consent.</param>
/// <param name="Keyword">The keyword as Twilio recognises it (<c>STOP</c>, <c>START</c>, <c>HELP</c>…), or null.</param>
public sealed record ConsentKeyword(ConsentChange Change, string? Keyword)
{
    public static readonly ConsentKeyword None = new(ConsentChange.None, null);

    public bool ChangesConsent => Change is ConsentChange.OptOut or ConsentChange.OptIn;
}

/// <summary>
/// The opt-out, opt-in and help keywords carriers and Twilio honour on SMS. A keyword counts only when it is the whole
/// message (case and surrounding spaces or punctuation aside), as Twilio matches them: "stop." is an opt-out,
/// "please don't stop" is not.
/// </summary>
public static class SmsKeywords
{
    private static readonly HashSet<string> OptOut = new(StringComparer.OrdinalIgnoreCase)
    {
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "STOP ALL", "OPT OUT",
    };

    private static readonly HashSet<string> OptIn = new(StringComparer.OrdinalIgnoreCase) { "START", "YES", "UNSTOP", "OPTIN", "OPT IN" };

    private static readonly HashSet<string> Help = new(StringComparer.OrdinalIgnoreCase) { "HELP", "INFO" };

    /// <summary>
    /// Reads the keyword in <paramref name="body"/>. When Twilio's Advanced Opt-Out already classified the message it
    /// sends <c>OptOutType</c> (<c>STOP</c>, <c>START</c>, <c>HELP</c>); pass it as <paramref name="optOutType"/> and it wins.
    /// </summary>
    public static ConsentKeyword Detect(string? body, string? optOutType = null)
    {
        switch (optOutType?.Trim().ToUpperInvariant())
        {
            case "STOP":
                return new ConsentKeyword(ConsentChange.OptOut, "STOP");
            case "START":
                return new ConsentKeyword(ConsentChange.OptIn, "START");
            case "HELP":
                return new ConsentKeyword(ConsentChange.Help, "HELP");
        }

        if (string.IsNullOrWhiteSpace(body) || body.Length > 32)
        {
            return ConsentKeyword.None;
        }

        var word = string.Join(' ', body.Trim().Trim('.', '!', '?', ',', ';', '"', '\'').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .ToUpperInvariant();
        if (OptOut.Contains(word))
        {
            return new ConsentKeyword(ConsentChange.OptOut, word);
        }

        if (OptIn.Contains(word))
        {
            return new ConsentKeyword(ConsentChange.OptIn, word);
        }

        return Help.Contains(word) ? new ConsentKeyword(ConsentChange.Help, word) : ConsentKeyword.None;
    }
}
