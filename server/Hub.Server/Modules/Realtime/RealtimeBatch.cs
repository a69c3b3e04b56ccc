using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Data;

namespace Hub.Server.Modules.Realtime;

/// <summary>
/// An inbox change's live events, over the scope's <see cref="UnitOfWork"/>: appended inside its transaction (so they
/// get their sequence numbers there) and pushed to the agents (and the contact) once it has committed.
/// </summary>
public sealed class RealtimeBatch(UnitOfWork work, RealtimeDispatcher dispatcher)
{
    /// <summary>
    /// A message event for the workspace's agents, and for the contact when <paramref name="toContact"/>; returns the
    /// event's sequence number in each of the two streams.
    /// </summary>
    public async Task<(long AgentSeq, long? ContactSeq)> MessageAsync(Guid workspaceId, string eventName, Message message, Guid? toContact, CancellationToken cancellationToken)
    {
        var payload = MessagePayload.From(message);
        var agents = await work.AppendAsync(workspaceId, Streams.Workspace(workspaceId), eventName, payload, (e, _) => dispatcher.MessageAsync(e), cancellationToken);
        if (toContact is { } contactId)
        {
            var user = await work.AppendAsync(workspaceId, Streams.User(contactId), eventName, payload, (e, _) => dispatcher.MessageAsync(e), cancellationToken);
            return (agents.Seq, user.Seq);
        }

        return (agents.Seq, null);
    }

    public Task ConversationAsync(Guid workspaceId, Conversation conversation, CancellationToken cancellationToken) =>
        work.AppendAsync(workspaceId, Streams.Workspace(workspaceId), RealtimeEventNames.ConversationUpdated,
            ConversationPayload.From(conversation), (e, _) => dispatcher.ConversationAsync(e), cancellationToken);
}
