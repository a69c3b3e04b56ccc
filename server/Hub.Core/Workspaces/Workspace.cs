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

    public DateTimeOffset CreatedAt { get; set; }
}
