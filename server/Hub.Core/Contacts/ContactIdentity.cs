using Hub.Core.Channels;
using Hub.Core.Workspaces;

namespace Hub.Core.Contacts;

/// <summary>
/// One address a contact is reachable at on one kind of channel (an email address, a phone number, a
/// WhatsApp number, a chat user id). Several identities merge into one contact.
/// </summary>
public sealed class ContactIdentity : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid ContactId { get; set; }

    public ChannelType ChannelType { get; set; }

    /// <summary>The normalised address (lower-cased email, E.164 phone, chat session user id).</summary>
    public required string Address { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
