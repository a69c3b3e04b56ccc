using Hub.Core.Contacts;

namespace Hub.Server.Modules.Delivery;

/// <summary>
/// The campaign runner's door to <see cref="OutboundWriter"/>, one contact at a time. Everything else calls the writer
/// itself; this goes once campaigns send their batches through <see cref="OutboundWriter.QueueAsync(Guid, IReadOnlyList{ContactMessage}, CancellationToken)"/>.
/// </summary>
public sealed class ContactMessenger(OutboundWriter writer)
{
    /// <summary>Writes the message to <paramref name="contact"/> inside the caller's open transaction; call <see cref="Wake"/> after commit.</summary>
    public Task<ContactSendResult> QueueAsync(Contact contact, ContactMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(message);
        return writer.QueueAsync(contact.WorkspaceId, message with { ContactId = contact.Id }, cancellationToken);
    }

    /// <summary>Tells the delivery workers there is work; call after the transaction committed.</summary>
    public void Wake() => writer.Wake();
}
