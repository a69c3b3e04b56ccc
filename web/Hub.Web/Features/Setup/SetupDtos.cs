namespace Hub.Web.Features.Setup;

/// <summary>The first-run checklist (<c>GET /api/v1/workspace/setup</c>).</summary>
public sealed record SetupDto(IReadOnlyList<SetupStepDto> Steps, int Done, int Total, bool Complete);

/// <summary>One step, by key: channel, widget, teammate, template, campaign.</summary>
public sealed record SetupStepDto(string Key, bool Done);

/// <summary>What each step says and where it is done.</summary>
public static class SetupSteps
{
    public sealed record Step(string Title, string Help, string Href, string Action);

    public static readonly IReadOnlyDictionary<string, Step> ByKey = new Dictionary<string, Step>
    {
        ["channel"] = new("Connect a channel", "An email mailbox (SMTP and IMAP), or a Twilio number for SMS or WhatsApp, so Hub can send and receive.",
            "settings?tab=channels", "Add a channel"),
        ["widget"] = new("Install the chat widget", "Add a web chat channel, paste its snippet into your site, and send a first message from it.",
            "settings?tab=channels", "Get the snippet"),
        ["teammate"] = new("Invite a teammate", "Add an agent or a marketer with their own sign-in.", "settings?tab=members", "Add a member"),
        ["template"] = new("Create a template", "The message a campaign sends, with the contact's name and an unsubscribe link filled in.",
            "templates", "New template"),
        ["campaign"] = new("Send a first campaign", "Pick a template and an audience, then start it and watch it live.", "campaigns/new", "New campaign"),
    };
}
