using Hub.Core.Realtime;

namespace Hub.Server.Modules.Realtime;

/// <summary>Presence for a single node: nothing to expire, since the node's connections are all there is.</summary>
public sealed class InMemoryPresenceTracker : IPresenceTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid, PresenceKind, string), Dictionary<string, PresenceStatus>> _people = [];
    private readonly Dictionary<(Guid, Guid), Dictionary<string, Viewer>> _viewers = [];
    private readonly Dictionary<string, HashSet<(Guid, Guid)>> _viewedBy = [];

    public Task<PresenceTransition> ConnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId) =>
        Change(workspaceId, kind, userId, connections => connections[connectionId] = PresenceStatus.Online);

    public Task<PresenceTransition> DisconnectedAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId) =>
        Change(workspaceId, kind, userId, connections => connections.Remove(connectionId));

    public Task<PresenceTransition> SetStatusAsync(Guid workspaceId, PresenceKind kind, string userId, string connectionId, PresenceStatus status) =>
        Change(workspaceId, kind, userId, connections =>
        {
            if (status == PresenceStatus.Offline)
            {
                connections.Remove(connectionId);
            }
            else
            {
                connections[connectionId] = status;
            }
        });

    public Task<PresenceStatus> GetAsync(Guid workspaceId, PresenceKind kind, string userId)
    {
        lock (_gate)
        {
            return Task.FromResult(_people.TryGetValue((workspaceId, kind, userId), out var c) ? Aggregate(c) : PresenceStatus.Offline);
        }
    }

    public Task<IReadOnlyDictionary<string, PresenceStatus>> ListAsync(Guid workspaceId, PresenceKind kind)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<string, PresenceStatus> result = _people
                .Where(p => p.Key.Item1 == workspaceId && p.Key.Item2 == kind && p.Value.Count > 0)
                .ToDictionary(p => p.Key.Item3, p => Aggregate(p.Value));
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<Viewer>> ViewAsync(Guid workspaceId, Guid conversationId, Viewer viewer, string connectionId)
    {
        lock (_gate)
        {
            var key = (workspaceId, conversationId);
            if (!_viewers.TryGetValue(key, out var viewers))
            {
                _viewers[key] = viewers = [];
            }

            viewers[connectionId] = viewer;
            if (!_viewedBy.TryGetValue(connectionId, out var viewed))
            {
                _viewedBy[connectionId] = viewed = [];
            }

            viewed.Add(key);
            return Task.FromResult(Distinct(viewers));
        }
    }

    public Task<IReadOnlyList<Viewer>> LeaveAsync(Guid workspaceId, Guid conversationId, string connectionId)
    {
        lock (_gate)
        {
            var key = (workspaceId, conversationId);
            if (_viewedBy.TryGetValue(connectionId, out var viewed))
            {
                viewed.Remove(key);
                if (viewed.Count == 0)
                {
                    _viewedBy.Remove(connectionId);
                }
            }

            if (!_viewers.TryGetValue(key, out var viewers))
            {
                return Task.FromResult<IReadOnlyList<Viewer>>([]);
            }

            viewers.Remove(connectionId);
            if (viewers.Count == 0)
            {
                _viewers.Remove(key);
            }

            return Task.FromResult(Distinct(viewers));
        }
    }

    public IReadOnlyList<(Guid WorkspaceId, Guid ConversationId)> ViewedBy(string connectionId)
    {
        lock (_gate)
        {
            return _viewedBy.TryGetValue(connectionId, out var viewed) ? [.. viewed] : [];
        }
    }

    internal static PresenceStatus Aggregate(IEnumerable<PresenceStatus> statuses)
    {
        var result = PresenceStatus.Offline;
        foreach (var status in statuses)
        {
            if (status == PresenceStatus.Online)
            {
                return PresenceStatus.Online;
            }

            result = PresenceStatus.Away;
        }

        return result;
    }

    private static PresenceStatus Aggregate(Dictionary<string, PresenceStatus> connections) => Aggregate(connections.Values);

    private static IReadOnlyList<Viewer> Distinct(Dictionary<string, Viewer> viewers) =>
        [.. viewers.Values.DistinctBy(v => v.MemberId).OrderBy(v => v.Name, StringComparer.Ordinal)];

    private Task<PresenceTransition> Change(Guid workspaceId, PresenceKind kind, string userId, Action<Dictionary<string, PresenceStatus>> change)
    {
        lock (_gate)
        {
            var key = (workspaceId, kind, userId);
            if (!_people.TryGetValue(key, out var connections))
            {
                _people[key] = connections = [];
            }

            var before = Aggregate(connections);
            change(connections);
            var after = Aggregate(connections);
            if (connections.Count == 0)
            {
                _people.Remove(key);
            }

            return Task.FromResult(new PresenceTransition(before, after));
        }
    }
}
