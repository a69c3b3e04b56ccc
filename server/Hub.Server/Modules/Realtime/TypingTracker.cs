using System.Collections.Concurrent;
using Hub.Core.Realtime;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Typing indicators, never stored: a repeated <c>typing.start</c> within the debounce window is not
/// re-broadcast, and an indicator with no refresh for <see cref="RealtimeOptions.TypingTimeout"/> is
/// turned off by the server (the client may have crashed mid-sentence). Indicators are keyed by workspace too:
/// user ids are the customers' own and repeat across workspaces, so one workspace's user can't stop another's.
/// </summary>
public sealed class TypingTracker(RealtimeDispatcher dispatcher, IOptions<RealtimeOptions> options, TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<(Guid WorkspaceId, Guid ConversationId, string UserId), Typist> _typing = new();

    public async Task StartAsync(Guid workspaceId, Guid contactId, Guid conversationId, string userId, string connectionId)
    {
        var key = (workspaceId, conversationId, userId);
        var now = clock.GetUtcNow();
        var typist = _typing.GetOrAdd(key, _ => new Typist(workspaceId, contactId, connectionId));
        bool announce;
        lock (typist)
        {
            announce = !typist.Announced || now - typist.LastAnnounced >= options.Value.TypingDebounce;
            if (announce)
            {
                typist.Announced = true;
                typist.LastAnnounced = now;
            }

            typist.Timer?.Dispose();
            typist.Timer = clock.CreateTimer(_ => _ = ExpireAsync(key, typist), null, options.Value.TypingTimeout, Timeout.InfiniteTimeSpan);
        }

        if (announce)
        {
            await dispatcher.TypingAsync(workspaceId, contactId, new TypingIndicator(conversationId, userId, true), connectionId);
        }
    }

    /// <summary>Ends <paramref name="userId"/>'s indicator in the conversation, if they have one in <paramref name="workspaceId"/>.</summary>
    public async Task StopAsync(Guid workspaceId, Guid conversationId, string userId)
    {
        if (_typing.TryRemove((workspaceId, conversationId, userId), out var typist))
        {
            lock (typist)
            {
                typist.Timer?.Dispose();
            }

            await dispatcher.TypingAsync(typist.WorkspaceId, typist.ContactId, new TypingIndicator(conversationId, userId, false), typist.ConnectionId);
        }
    }

    /// <summary>Stops every indicator a closing connection left on.</summary>
    public async Task StopAllAsync(string connectionId)
    {
        foreach (var (key, typist) in _typing.Where(t => t.Value.ConnectionId == connectionId).ToList())
        {
            await StopAsync(key.WorkspaceId, key.ConversationId, key.UserId);
        }
    }

    public void Dispose()
    {
        foreach (var typist in _typing.Values)
        {
            typist.Timer?.Dispose();
        }
    }

    private async Task ExpireAsync((Guid WorkspaceId, Guid ConversationId, string UserId) key, Typist typist)
    {
        // Only the timer of the current indicator may end it; a refresh replaced older ones.
        if (_typing.TryGetValue(key, out var current) && ReferenceEquals(current, typist))
        {
            await StopAsync(key.WorkspaceId, key.ConversationId, key.UserId);
        }
    }

    private sealed class Typist(Guid workspaceId, Guid contactId, string connectionId)
    {
        public Guid WorkspaceId { get; } = workspaceId;
        public Guid ContactId { get; } = contactId;
        public string ConnectionId { get; } = connectionId;
        public bool Announced { get; set; }
        public DateTimeOffset LastAnnounced { get; set; }
        public ITimer? Timer { get; set; }
    }
}
