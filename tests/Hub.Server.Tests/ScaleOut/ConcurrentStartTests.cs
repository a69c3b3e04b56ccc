using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.ScaleOut;

/// <summary>
/// Nodes of a new deployment start at the same moment (<c>docker compose --profile scale-out up</c>, a
/// Kubernetes deployment with two replicas); both must come up on the one new database.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class ConcurrentStartTests
{
    [RedisFact]
    public async Task Two_nodes_started_together_on_a_new_database_both_become_ready_in_one_workspace()
    {
        var cluster = new ScaleOutCluster { StartTogether = true };
        await cluster.InitializeAsync();
        try
        {
            await cluster.RunAsync(async () =>
            {
                // One first run between them: one workspace, one admin, whom both nodes sign in.
                using var onA = ScaleOutCluster.Http(cluster.A, await cluster.AdminTokenAsync(cluster.A));
                using var onB = ScaleOutCluster.Http(cluster.B, await cluster.AdminTokenAsync(cluster.B));
                var workspaceOnA = await onA.GetJsonAsync("/api/v1/workspace");
                var workspaceOnB = await onB.GetJsonAsync("/api/v1/workspace");
                Assert.Equal(workspaceOnA.Str("id"), workspaceOnB.Str("id"));
            });
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
