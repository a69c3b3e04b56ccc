namespace Hub.Core.Channels;

/// <summary>
/// Small durable values an adapter keeps per channel across restarts, e.g. the last IMAP UID read and the
/// mailbox's UIDVALIDITY, so nothing is read twice or skipped.
/// </summary>
public interface IChannelStateStore
{
    Task<string?> GetAsync(Guid channelId, string key, CancellationToken cancellationToken);

    Task SetAsync(Guid channelId, string key, string value, CancellationToken cancellationToken);
}

/// <summary>One stored value of <see cref="IChannelStateStore"/>.</summary>
public sealed class ChannelState
{
    public Guid ChannelId { get; set; }

    public required string Key { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
