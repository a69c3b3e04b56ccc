using Hub.Core.Rules;
using Hub.Data;
using Hub.Data.Claims;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Server.Tests.Storage;

/// <summary>
/// The one row claimer, on the store the suite runs on (PostgreSQL's <c>SKIP LOCKED</c>, SQLite's single writer):
/// parallel workers never share a row, and a worker that died gives its rows back when its lease runs out.
/// </summary>
public sealed class RowClaimerTests(RowClaimerTests.ClaimsHub hub) : IClassFixture<RowClaimerTests.ClaimsHub>
{
    [Fact]
    public async Task Parallel_claimers_never_take_the_same_row_and_together_take_them_all()
    {
        var kind = await hub.AddEventsAsync(120);
        var spec = hub.EventsOf(kind);

        var taken = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 6), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (worker, ct) =>
        {
            while (true)
            {
                await using var scope = hub.App.Scope();
                var batch = await scope.ServiceProvider.GetRequiredService<RowClaimer>().ClaimAsync(spec, $"worker-{worker}", 7, TimeSpan.FromMinutes(5), ct);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var row in batch)
                {
                    taken.Add(row.Id);
                }
            }
        });

        Assert.Equal(120, taken.Count);
        Assert.Equal(120, taken.Distinct().Count());
        var attempts = await hub.InDbAsync(db => db.Events.IgnoreQueryFilters().Where(e => e.EventType == kind).Select(e => e.EvaluationAttempts).Distinct().ToListAsync());
        Assert.Equal([1], attempts); // each row was claimed exactly once
    }

    [Fact]
    public async Task A_claimed_row_is_nobody_elses_until_its_lease_runs_out_then_it_is_claimed_again()
    {
        var kind = await hub.AddEventsAsync(3);
        var spec = hub.EventsOf(kind);
        var lease = TimeSpan.FromMinutes(1);

        var first = await hub.ClaimAsync(spec, "dies", 10, lease);
        Assert.Equal(3, first.Count);
        Assert.Empty(await hub.ClaimAsync(spec, "other", 10, lease));

        hub.Clock.Advance(lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await hub.ClaimAsync(spec, "other", 10, lease)); // still held

        hub.Clock.Advance(TimeSpan.FromSeconds(2));
        var again = await hub.ClaimAsync(spec, "other", 10, lease);
        Assert.Equal(first.Select(e => e.Id).Order(), again.Select(e => e.Id).Order());
        Assert.All(again, e => Assert.Equal(2, e.EvaluationAttempts)); // the dead worker's try counted
        Assert.All(again, e => Assert.Equal(hub.Clock.GetUtcNow() + lease, e.LeasedUntil));
    }

    [Fact]
    public async Task Rows_come_oldest_first_in_batches_of_the_size_asked()
    {
        var kind = await hub.AddEventsAsync(5);
        var spec = hub.EventsOf(kind);

        var first = await hub.ClaimAsync(spec, "w", 2, TimeSpan.FromMinutes(1));
        var rest = await hub.ClaimAsync(spec, "w", 10, TimeSpan.FromMinutes(1));

        Assert.Equal(2, first.Count);
        Assert.Equal(3, rest.Count);
        var order = first.Concat(rest).Select(e => e.ReceivedAt).ToList();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public async Task A_claim_without_a_lease_is_refused_outside_a_transaction()
    {
        await using var scope = hub.App.Scope();
        var claimer = scope.ServiceProvider.GetRequiredService<RowClaimer>();
        var spec = new ClaimSpec<TrackedEvent> { Waiting = (rows, _) => rows, Order = rows => rows.OrderBy(e => e.ReceivedAt) };
        await Assert.ThrowsAsync<InvalidOperationException>(() => claimer.LockAsync(spec, 1, CancellationToken.None));
    }

    /// <summary>A Hub with every worker off (the tests are the only claimers) and a test clock.</summary>
    public sealed class ClaimsHub : IAsyncLifetime
    {
        public ClaimsHub()
        {
            App = new HubApp { ExtraServices = s => s.AddSingleton<TimeProvider>(Clock) };
            App.Settings["Webhooks:Enabled"] = "false";
            App.Settings["Events:RunWorker"] = "false";
            App.Settings["Delivery:Enabled"] = "false";
        }

        public HubApp App { get; }

        /// <summary>On a whole second, which every store keeps exactly.</summary>
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        private Guid _workspaceId;

        public async Task InitializeAsync()
        {
            await App.InitializeAsync();
            _workspaceId = Guid.Parse((await (await App.SignedInAsync()).GetJsonAsync("/api/v1/workspace")).Str("id"));
        }

        public async Task DisposeAsync() => await ((IAsyncLifetime)App).DisposeAsync();

        /// <summary>Pending events of a type of their own (so tests don't see each other's), a second apart; returns the type.</summary>
        public async Task<string> AddEventsAsync(int count)
        {
            var kind = $"claim_{Guid.NewGuid():N}";
            var start = Clock.GetUtcNow() - TimeSpan.FromHours(1);
            await InDbAsync(db =>
            {
                for (var i = 0; i < count; i++)
                {
                    db.Events.Add(new TrackedEvent { UserId = "u", EventType = kind, OccurredAt = start, ReceivedAt = start + TimeSpan.FromSeconds(i) });
                }

                return db.SaveChangesAsync();
            });
            return kind;
        }

        /// <summary>The rules engine's own spec, narrowed to one test's events.</summary>
        public ClaimSpec<TrackedEvent> EventsOf(string kind) =>
            Hub.Server.Modules.Rules.RuleEvaluationWorker.Pending with
            {
                Waiting = (rows, now) => Hub.Server.Modules.Rules.RuleEvaluationWorker.Pending.Waiting(rows, now).Where(e => e.EventType == kind),
            };

        public async Task<IReadOnlyList<TrackedEvent>> ClaimAsync(ClaimSpec<TrackedEvent> spec, string holder, int batchSize, TimeSpan lease)
        {
            await using var scope = App.Scope();
            return await scope.ServiceProvider.GetRequiredService<RowClaimer>().ClaimAsync(spec, holder, batchSize, lease, CancellationToken.None);
        }

        public async Task<T> InDbAsync<T>(Func<HubDbContext, Task<T>> work)
        {
            await using var scope = App.Scope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(_workspaceId);
            return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
        }
    }
}
