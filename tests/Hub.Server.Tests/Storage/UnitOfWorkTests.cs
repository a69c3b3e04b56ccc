using Hub.Core.Realtime;
using Hub.Core.Rules;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Storage;

/// <summary>
/// The one unit of work: what a change publishes goes out after its commit, in the order it was added, and never
/// when the change rolls back.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class UnitOfWorkTests(HubApp app)
{
    [Fact]
    public async Task A_committed_change_publishes_after_the_commit_in_the_order_it_was_added()
    {
        var workspaceId = await WorkspaceAsync();
        var kind = $"uow_{Guid.NewGuid():N}";
        var published = new List<string>();
        await using var scope = Scope(workspaceId);
        var (db, work) = (scope.ServiceProvider.GetRequiredService<HubDbContext>(), scope.ServiceProvider.GetRequiredService<UnitOfWork>());

        await using (var change = await work.BeginAsync(CancellationToken.None))
        {
            db.Events.Add(NewEvent(kind));
            work.AfterCommit(_ => Visible(kind).ContinueWith(seen => published.Add($"first, row visible: {seen.Result}"), TaskScheduler.Default));
            var appended = await work.AppendAsync(workspaceId, Streams.Workspace(workspaceId), "test.event", new { kind }, (e, _) =>
            {
                published.Add($"stream event {e.Seq}");
                return Task.CompletedTask;
            }, CancellationToken.None);
            work.AfterCommit(() => published.Add("last"));
            Assert.Empty(published); // nothing before the commit

            await change.CommitAsync(CancellationToken.None);
            Assert.Equal(["first, row visible: True", $"stream event {appended.Seq}", "last"], published);
        }

        await work.PublishAsync(CancellationToken.None);
        Assert.Equal(3, published.Count); // published once
    }

    [Fact]
    public async Task A_rolled_back_change_publishes_nothing_and_keeps_nothing_for_the_next_one()
    {
        var workspaceId = await WorkspaceAsync();
        var kind = $"uow_{Guid.NewGuid():N}";
        var published = new List<string>();
        await using var scope = Scope(workspaceId);
        var (db, work) = (scope.ServiceProvider.GetRequiredService<HubDbContext>(), scope.ServiceProvider.GetRequiredService<UnitOfWork>());

        await using (var change = await work.BeginAsync(CancellationToken.None))
        {
            db.Events.Add(NewEvent(kind));
            await db.SaveChangesAsync();
            await work.AppendAsync(workspaceId, Streams.Workspace(workspaceId), "test.event", new { kind }, (_, _) =>
            {
                published.Add("rolled back stream event");
                return Task.CompletedTask;
            }, CancellationToken.None);
            work.AfterCommit(() => published.Add("rolled back"));
            // Disposed without a commit: an exception or an early return.
        }

        db.ChangeTracker.Clear();
        await using (var next = await work.BeginAsync(CancellationToken.None))
        {
            work.AfterCommit(() => published.Add("next"));
            await next.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(["next"], published);
        Assert.False(await Visible(kind));
    }

    [Fact]
    public async Task A_change_begun_inside_another_publishes_when_the_outer_one_commits()
    {
        var workspaceId = await WorkspaceAsync();
        var published = new List<string>();
        await using var scope = Scope(workspaceId);
        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();

        await using var outer = await work.BeginAsync(CancellationToken.None);
        work.AfterCommit(() => published.Add("outer"));
        await using (var inner = await work.BeginAsync(CancellationToken.None))
        {
            Assert.False(inner.IsOutermost);
            work.AfterCommit(() => published.Add("inner"));
            await inner.CommitAsync(CancellationToken.None);
        }

        Assert.Empty(published);
        await outer.CommitAsync(CancellationToken.None);
        Assert.Equal(["outer", "inner"], published);
    }

    private static TrackedEvent NewEvent(string kind) => new()
    {
        UserId = "u",
        EventType = kind,
        OccurredAt = DateTimeOffset.UtcNow,
        ReceivedAt = DateTimeOffset.UtcNow,
        Evaluation = EventEvaluation.NotEvaluated,
    };

    private async Task<Guid> WorkspaceAsync() => Guid.Parse((await (await app.SignedInAsync()).GetJsonAsync("/api/v1/workspace")).Str("id"));

    private AsyncServiceScope Scope(Guid workspaceId)
    {
        var scope = app.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspaceId);
        return scope;
    }

    /// <summary>Whether another connection sees the change's row (it does only once the change committed).</summary>
    private async Task<bool> Visible(string kind)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Events.IgnoreQueryFilters().AnyAsync(e => e.EventType == kind);
    }
}
