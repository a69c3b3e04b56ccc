using Hub.Core.Realtime;
using Hub.Data.Realtime;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// <c>stream.resume</c> for either hub: sends, in order, every kept event of the caller's own stream after
/// <c>afterSeq</c>, or tells the caller to resync when that is no longer possible.
/// </summary>
public static class StreamReplay
{
    public static async Task<(ResumeResult Result, long? LastReplayed)> ResumeAsync(
        EventStreamStore streams, string stream, long afterSeq, int maxReplay,
        Func<StoredEvent, Task> send, Func<ResyncRequired, Task> resync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(resync);
        var (events, oldest, last) = await streams.ReadAfterAsync(stream, afterSeq, maxReplay, cancellationToken);
        if (events is null)
        {
            await resync(new ResyncRequired(stream, oldest, last));
            return (new ResumeResult(stream, last, 0, true), null);
        }

        foreach (var e in events)
        {
            await send(e);
        }

        return (new ResumeResult(stream, last, events.Count, false), events.Count > 0 ? events[^1].Seq : null);
    }
}
