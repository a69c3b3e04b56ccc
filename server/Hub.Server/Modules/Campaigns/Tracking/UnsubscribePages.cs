namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>The small pages a mail reader sees behind the unsubscribe link (no scripts: a button posts the form).</summary>
internal static class UnsubscribePages
{
    public const string Blank = "<!doctype html><html><head><meta name=\"robots\" content=\"noindex\"><title></title></head><body></body></html>";

    public static readonly string Confirm = Page("Unsubscribe",
        "<h1>Unsubscribe from these emails?</h1><p>You will stop receiving marketing emails from us. Account and security messages still reach you.</p>"
        + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>");

    public static readonly string Done = Page("Unsubscribed", "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>");

    public static readonly string Invalid = Page("Link not valid", "<h1>This link is not valid</h1><p>It may have been altered or the message no longer exists.</p>");

    private static string Page(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>"
        + "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style>"
        + $"</head><body>{body}</body></html>";
}
