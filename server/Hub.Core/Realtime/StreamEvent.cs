using System.Text.Json;
using Hub.Core.Workspaces;

namespace Hub.Core.Realtime;

/// <summary>
/// What a client receives for every sequenced event: the stream it belongs to, its gap-free sequence
/// number in that stream, when it happened, and the event's data. A client keeps the last
/// <see cref="Seq"/> it saw and hands it to <c>stream.resume</c> after a reconnect.
/// </summary>
/// <typeparam name="T">The event's data.</typeparam>
public sealed record StreamEvent<T>(string Stream, long Seq, string Event, DateTimeOffset At, T Data);

/// <summary>An event kept in its stream so a client that missed it can get it again.</summary>
public sealed class StoredEvent : IWorkspaceOwned
{
    public long Id { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string Stream { get; set; }

    public long Seq { get; set; }

    public required string Event { get; set; }

    /// <summary>The event's data as JSON.</summary>
    public required string Data { get; set; }

    public DateTimeOffset At { get; set; }

    public StreamEvent<JsonElement> ToStreamEvent() =>
        new(Stream, Seq, Event, At, JsonDocument.Parse(Data).RootElement.Clone());
}

/// <summary>The last sequence number handed out in a stream; the row every append of that stream locks.</summary>
public sealed class StreamHead : IWorkspaceOwned
{
    public required string Stream { get; set; }

    public Guid WorkspaceId { get; set; }

    public long LastSeq { get; set; }
}

/// <summary>Stream names: one per workspace for its agents, one per end user.</summary>
public static class Streams
{
    public static string Workspace(Guid workspaceId) => $"ws:{workspaceId:N}";

    public static string User(Guid contactId) => $"user:{contactId:N}";
}
