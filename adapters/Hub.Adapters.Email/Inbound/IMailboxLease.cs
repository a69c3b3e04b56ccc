namespace Hub.Adapters.Email.Inbound;

/// <summary>
/// Makes one node at a time read a channel's mailbox when several Hub nodes run side by side. Without a
/// registered lease every node reads every mailbox (fine for one node; the inbox ignores re-delivered
/// Message-IDs, but the work is done twice).
/// </summary>
public interface IMailboxLease
{
    /// <summary>Takes or renews the right to read the channel's mailbox for <paramref name="ttl"/>; false while another owner holds it.</summary>
    Task<bool> TryAcquireAsync(Guid channelId, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Gives the right up, so another node takes over at once instead of after the lease runs out.</summary>
    Task ReleaseAsync(Guid channelId, string owner, CancellationToken cancellationToken);
}
