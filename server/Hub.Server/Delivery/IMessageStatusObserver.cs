using System.Text.Json;
using Hub.Core.Inbox;

namespace Hub.Server.Delivery;

/// <summary>
/// Told when an outbound message's status moved (sent, failed, delivered, bounced), inside the transaction that
/// saves it, so what it records (a campaign's ledger row) commits or rolls back with the status itself.
/// </summary>
public interface IMessageStatusObserver
{
    Task OnStatusAsync(Message message, CancellationToken cancellationToken);
}

/// <summary>Extra provider headers kept in a message's metadata (<c>headers</c>) until delivery hands them over.</summary>
public static class DeliveryHeaders
{
    public const string MetadataKey = "headers";

    public static IReadOnlyDictionary<string, string> Of(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Metadata.TryGetValue(MetadataKey, out var headers) && headers.ValueKind == JsonValueKind.Object
            ? headers.Deserialize<Dictionary<string, string>>() ?? []
            : new Dictionary<string, string>();
    }
}
