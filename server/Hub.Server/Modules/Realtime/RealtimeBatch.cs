using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data.Realtime;
using Hub.Server.Modules.Inbox;
using Hub.Server.Modules.Notifications;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// Collects a change's live events inside its transaction (so they get their sequence numbers there) and
/// pushes them once the transaction has committed.
/// </summary>
public sealed class RealtimeBatch(EventStreamStore streams, RealtimeDispatcher dispatcher)
{
    private readonly List<Func<Task>> _publish = [];

    /// <summary>
    /// A message event for the workspace's agents, and for the contact when <paramref name="toContact"/>; returns the
    /// event's sequence number in each of the two streams.
    /// </summary>
    public async Task<(long AgentSeq, long? ContactSeq)> MessageAsync(Guid workspaceId, string eventName, Message message, Guid? toContact, CancellationToken cancellationToken)
    {
        var payload = MessagePayload.From(message);
        var agents = await streams.AppendAsync(workspaceId, Streams.Workspace(workspaceId), eventName, payload, cancellationToken);
        _publish.Add(() => dispatcher.MessageAsync(agents));
        if (toContact is { } contactId)
        {
            var user = await streams.AppendAsync(workspaceId, Streams.User(contactId), eventName, payload, cancellationToken);
            _publish.Add(() => dispatcher.MessageAsync(user));
            return (agents.Seq, user.Seq);
        }

        return (agents.Seq, null);
    }

    public async Task ConversationAsync(Guid workspaceId, Conversation conversation, CancellationToken cancellationToken)
    {
        var e = await streams.AppendAsync(workspaceId, Streams.Workspace(workspaceId), RealtimeEventNames.ConversationUpdated,
            ConversationPayload.From(conversation), cancellationToken);
        _publish.Add(() => dispatcher.ConversationAsync(e));
    }

    /// <summary>Pushes everything collected; call after commit.</summary>
    public async Task PublishAsync()
    {
        foreach (var publish in _publish)
        {
            await publish();
        }

        _publish.Clear();
    }
}
