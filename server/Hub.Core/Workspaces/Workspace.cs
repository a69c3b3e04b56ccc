namespace Hub.Core.Workspaces;

/// <summary>A tenant: one company's inboxes, contacts, campaigns and members.</summary>
public sealed class Workspace
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>URL-safe unique name, e.g. <c>acme</c>.</summary>
    public required string Slug { get; set; }

    /// <summary>IANA time zone used for reports, SLA business hours and quiet hours without a contact zone.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// The secret the customer's backend signs end-user tokens with (HS256). Generated at creation,
    /// rotated through the API; never returned except at rotation.
    /// </summary>
    public required string ClientTokenSecret { get; set; }

    /// <summary>Opening hours in <see cref="TimeZone"/>; SLA targets marked business-hours-only count only this time.</summary>
    public BusinessHours BusinessHours { get; set; } = new();

    /// <summary>Give new conversations to an online agent of their team (the server's <c>Inbox:AutoAssign</c> must be on too).</summary>
    public bool AutoAssign { get; set; } = true;

    /// <summary>Routing by intent: a new conversation whose first message has this intent goes to that team.</summary>
    public Dictionary<string, string> IntentTeams { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}
