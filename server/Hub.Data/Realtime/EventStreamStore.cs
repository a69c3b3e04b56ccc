using System.Text.Json;
using Hub.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Hub.Data.Realtime;

/// <summary>
/// Keeps each stream's events with gap-free sequence numbers. An append locks the stream's head row
/// until the caller's transaction commits, so sequence order is commit order on every node.
/// </summary>
public sealed class EventStreamStore(HubDbContext db, TimeProvider clock)
{
    /// <summary>How many events each stream keeps for clients that reconnect.</summary>
    public const int RetainPerStream = 1000;

    /// <summary>Events are serialized as the hubs' JSON protocol sends them (camelCase).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Appends an event to <paramref name="stream"/>. Call it inside the transaction that writes what the
    /// event is about; send the returned event only after that transaction commits.
    /// </summary>
    public async Task<StreamEvent<T>> AppendAsync<T>(Guid workspaceId, string stream, string eventName, T data, CancellationToken cancellationToken)
    {
        var seq = await NextSeqAsync(workspaceId, stream, cancellationToken);
        var at = clock.GetUtcNow();
        db.StoredEvents.Add(new StoredEvent
        {
            WorkspaceId = workspaceId,
            Stream = stream,
            Seq = seq,
            Event = eventName,
            Data = JsonSerializer.Serialize(data, Json),
            At = at,
        });
        await db.SaveChangesAsync(cancellationToken);

        if (seq % 100 == 0)
        {
            var keepFrom = seq - RetainPerStream;
            await db.StoredEvents.IgnoreQueryFilters().Where(e => e.Stream == stream && e.Seq <= keepFrom).ExecuteDeleteAsync(cancellationToken);
        }

        return new StreamEvent<T>(stream, seq, eventName, at, data);
    }

    /// <summary>The events after <paramref name="afterSeq"/>, in order, or <c>null</c> when some are no longer kept.</summary>
    public async Task<(IReadOnlyList<StoredEvent>? Events, long OldestSeq, long LastSeq)> ReadAfterAsync(
        string stream, long afterSeq, int max, CancellationToken cancellationToken)
    {
        var last = await db.StreamHeads.IgnoreQueryFilters().Where(h => h.Stream == stream).Select(h => (long?)h.LastSeq)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;
        var oldest = await db.StoredEvents.IgnoreQueryFilters().Where(e => e.Stream == stream).MinAsync(e => (long?)e.Seq, cancellationToken) ?? last + 1;
        if (afterSeq == last)
        {
            return ([], oldest, last);
        }

        // Ahead of the stream (its store was reset) or behind what is kept: the client must reload.
        if (afterSeq > last || afterSeq < 0)
        {
            return (null, oldest, last);
        }

        if (afterSeq < oldest - 1 || last - afterSeq > max)
        {
            return (null, oldest, last);
        }

        var events = await db.StoredEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Stream == stream && e.Seq > afterSeq).OrderBy(e => e.Seq).Take(max).ToListAsync(cancellationToken);
        return (events, oldest, last);
    }

    private async Task<long> NextSeqAsync(Guid workspaceId, string stream, CancellationToken cancellationToken)
    {
        var next = await IncrementAsync(stream, cancellationToken);
        if (next is { } seq)
        {
            return seq;
        }

        // First event of the stream: create its head (a parallel first append may have done it already).
        object workspaceParameter = db.Database.IsSqlite() ? workspaceId.ToString().ToUpperInvariant() : workspaceId;
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO stream_heads ("Stream", "WorkspaceId", "LastSeq") VALUES ({stream}, {workspaceParameter}, 0) ON CONFLICT ("Stream") DO NOTHING""",
            cancellationToken);
        return await IncrementAsync(stream, cancellationToken)
            ?? throw new InvalidOperationException($"Stream head {stream} could not be created.");
    }

    private async Task<long?> IncrementAsync(string stream, CancellationToken cancellationToken)
    {
        var values = await db.Database.SqlQuery<long>(
            $"""UPDATE stream_heads SET "LastSeq" = "LastSeq" + 1 WHERE "Stream" = {stream} RETURNING "LastSeq" AS "Value" """)
            .ToListAsync(cancellationToken);
        return values.Count == 0 ? null : values[0];
    }
}
