using System.Threading.Channels;
using Hub.Core.Campaigns;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>A verified tracking hit waiting to be classified and stored.</summary>
public sealed record QueuedHit(Guid WorkspaceId, Guid MessageId, TrackingHitKind Kind, string? Url, string? IpAddress, string? UserAgent, DateTimeOffset OccurredAt);

/// <summary>
/// The in-memory queue between the tracking endpoints and <see cref="TrackingHitWriter"/>: the pixel and the
/// click redirect only enqueue, so they never wait on the database. Bounded: a flood drops hits (logged), never memory.
/// </summary>
public sealed partial class TrackingHitQueue(IOptions<TrackingOptions> options, ILogger<TrackingHitQueue> logger)
{
    private readonly Channel<QueuedHit> _channel = Channel.CreateBounded<QueuedHit>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse when full, so drops are counted
        SingleReader = true,
    });

    private long _enqueued;

    /// <summary>Hits accepted so far (the writer's flush waits for this many to be handled).</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    internal ChannelReader<QueuedHit> Reader => _channel.Reader;

    /// <summary>Queues a hit; false (and a warning) when the queue is full.</summary>
    public bool Enqueue(QueuedHit hit)
    {
        if (_channel.Writer.TryWrite(hit))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }

        LogDropped(logger, hit.Kind, hit.MessageId);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tracking queue full: dropped a {Kind} hit of message {MessageId}")]
    private static partial void LogDropped(ILogger logger, TrackingHitKind kind, Guid messageId);
}
