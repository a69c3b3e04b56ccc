using Hub.Core.Realtime;

namespace Hub.Server.Modules.Realtime;

/// <summary>Who is who on presence: an agent (member) or an end user (contact) of a workspace.</summary>
public enum PresenceKind
{
    Member,
    EndUser,
}

/// <summary>The aggregate status of someone before and after a change; <see cref="Changed"/> when others should hear of it.</summary>
public readonly record struct PresenceTransition(PresenceStatus Before, PresenceStatus After)
{
    public bool Changed => Before != After;
}

/// <summary>
/// Presence per person over all their connections (tabs, devices): online while any says online, away
/// while all say away, offline with none. In-memory on one node; in Redis with expiry when scaled out,
/// so a crashed node's connections age out.
/// </summary>
public interface IPresenceTracker
{
    Task<PresenceTransition> ConnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId);

    Task<PresenceTransition> DisconnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId);

    Task<PresenceTransition> SetStatusAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId, PresenceStatus status);

    Task<PresenceStatus> GetAsync(Guid workspaceId, PresenceKind kind, string userId);

    /// <summary>Everyone of <paramref name="kind"/> in the workspace who is online or away.</summary>
    Task<IReadOnlyDictionary<string, PresenceStatus>> ListAsync(Guid workspaceId, PresenceKind kind);

    /// <summary>Marks that the agent behind <paramref name="connectionId"/> has the conversation open; returns who has it open now.</summary>
    Task<IReadOnlyList<Viewer>> ViewAsync(Guid workspaceId, Guid conversationId, Viewer viewer, string connectionId);

    /// <summary>Marks that the connection no longer has the conversation open; returns who still has.</summary>
    Task<IReadOnlyList<Viewer>> LeaveAsync(Guid workspaceId, Guid conversationId, string connectionId);

    /// <summary>Every conversation the connection had open (so it can be left on disconnect).</summary>
    IReadOnlyList<(Guid WorkspaceId, Guid ConversationId)> ViewedBy(string connectionId);
}
