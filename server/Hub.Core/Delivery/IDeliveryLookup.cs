namespace Hub.Core.Delivery;

/// <summary>
/// Optional side of an <see cref="IChannelSender"/> whose provider can be asked afterwards whether a message was
/// created (Twilio's message list). The delivery pipeline uses it to settle a row left "sending" by a worker that died
/// mid-call: sent once if the provider has it, sent again if it surely does not, dead-lettered "in doubt" otherwise.
/// </summary>
public interface IDeliveryLookup
{
    /// <summary>
    /// Asks the provider for messages it created for <paramref name="message"/> (same recipient, sender and text) at or
    /// after <paramref name="since"/>. Returns <see cref="DeliveryLookupResult.Unknown"/> when the provider could not
    /// be asked or its answer is not conclusive; never throws for provider or transport failures.
    /// </summary>
    Task<DeliveryLookupResult> LookupAsync(OutboundEnvelope message, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>What the provider said about a message that may or may not have been created.</summary>
/// <param name="Answered">False when the provider could not be asked (error, timeout, ambiguous answer).</param>
/// <param name="ProviderMessageIds">The provider's ids of matching messages, newest first (empty: the provider does not have it).</param>
/// <param name="Error">Why the provider could not be asked.</param>
public sealed record DeliveryLookupResult(bool Answered, IReadOnlyList<string> ProviderMessageIds, string? Error = null)
{
    /// <summary>The provider answered and has these messages.</summary>
    public static DeliveryLookupResult Found(IReadOnlyList<string> providerMessageIds) => new(true, providerMessageIds);

    /// <summary>The provider answered and has no such message.</summary>
    public static DeliveryLookupResult NotFound { get; } = new(true, []);

    /// <summary>The provider could not be asked.</summary>
    public static DeliveryLookupResult Unknown(string error) => new(false, [], error);
}
