using Hub.Core.Inbox;

namespace Hub.Core.Delivery;

/// <summary>A provider's word on a message it carried (a Twilio status callback, a DSN bounce).</summary>
public sealed record DeliveryStatusUpdate
{
    public required Guid WorkspaceId { get; init; }

    /// <summary>The provider's id for the message (Twilio MessageSid, SMTP Message-ID).</summary>
    public required string ProviderMessageId { get; init; }

    public required MessageStatus Status { get; init; }

    /// <summary>The provider's reason, e.g. <c>30003: Unreachable destination handset</c>.</summary>
    public string? Error { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>A hard bounce or an unsubscribed number: the address must not be sent to again.</summary>
    public bool SuppressAddress { get; init; }
}

/// <summary>Moves a message's status forward (never backward) from a provider callback, and pushes it live.</summary>
public interface IDeliveryStatusSink
{
    /// <summary>Returns false when no message has that provider id in the workspace.</summary>
    Task<bool> ApplyAsync(DeliveryStatusUpdate update, CancellationToken cancellationToken);
}
