using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Hub.E2E;

/// <summary>A hub filter in the test host that keeps every connection, so a test can cut one from the server side.</summary>
public sealed class ConnectionTracker : IHubFilter
{
    private readonly ConcurrentQueue<HubCallerContext> _connections = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections.Enqueue(context.Context);
        await next(context);
    }

    /// <summary>Connections so far of the user whose token's <c>sub</c> is <paramref name="userId"/>.</summary>
    public int CountFor(string userId) => _connections.Count(c => c.User?.FindFirst("sub")?.Value == userId);

    /// <summary>Aborts every open connection of <paramref name="userId"/>, as a dropped network would; returns how many.</summary>
    public int Drop(string userId)
    {
        var dropped = 0;
        foreach (var connection in _connections.Where(c => c.User?.FindFirst("sub")?.Value == userId && !c.ConnectionAborted.IsCancellationRequested))
        {
            connection.Abort();
            dropped++;
        }

        return dropped;
    }
}
