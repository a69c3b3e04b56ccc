using System.Text.Json;
using Hub.Core.Inbox;

namespace Hub.Server.Modules.Delivery;

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

    /// <summary>The message's headers (e.g. <c>List-Unsubscribe</c> of tracked mail); non-string values are ignored.</summary>
    public static IReadOnlyDictionary<string, string> Of(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (message.Metadata.TryGetValue(MetadataKey, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in value.EnumerateObject().Where(h => h.Value.ValueKind == JsonValueKind.String))
            {
                headers[header.Name] = header.Value.GetString()!;
            }
        }

        return headers;
    }
}
