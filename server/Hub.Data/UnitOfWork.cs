using Hub.Core.Realtime;
using Hub.Data.Realtime;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hub.Data;

/// <summary>
/// The one transaction boundary of a change (one per DI scope): begin → save → append stream events → commit →
/// then publish. What is to be published (live events, pushes, a campaign's live mark, a worker to wake) is added
/// while the change is written and runs only after the commit, in the order it was added; a change that rolls back
/// publishes nothing. Nested: a unit begun while another (or any transaction) is open joins it, and the outer
/// commit publishes for both.
/// </summary>
public sealed class UnitOfWork(HubDbContext db, EventStreamStore streams)
{
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];

    /// <summary>Begins the change's transaction, or joins the one already open.</summary>
    public async Task<Work> BeginAsync(CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return new Work(this, null);
        }

        return new Work(this, await db.Database.BeginTransactionAsync(cancellationToken));
    }

    /// <summary>Runs <paramref name="publish"/> once the change commits; never when it rolls back.</summary>
    public void AfterCommit(Func<CancellationToken, Task> publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        _afterCommit.Add(publish);
    }

    /// <inheritdoc cref="AfterCommit(Func{CancellationToken, Task})"/>
    public void AfterCommit(Action publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        _afterCommit.Add(_ =>
        {
            publish();
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Appends an event to a stream inside the change (it gets its sequence number there) and sends it with
    /// <paramref name="publish"/> after the commit.
    /// </summary>
    public async Task<StreamEvent<T>> AppendAsync<T>(Guid workspaceId, string stream, string eventName, T data,
        Func<StreamEvent<T>, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        var appended = await streams.AppendAsync(workspaceId, stream, eventName, data, cancellationToken);
        _afterCommit.Add(ct => publish(appended, ct));
        return appended;
    }

    /// <summary>
    /// Publishes what was added, in order. <see cref="Work.CommitAsync"/> calls it; code that still commits a
    /// transaction of its own calls it right after that commit.
    /// </summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        while (_afterCommit.Count > 0)
        {
            // Taken before running, so what a publisher adds (or a failure half-way) never publishes twice.
            var batch = _afterCommit.ToList();
            _afterCommit.Clear();
            foreach (var publish in batch)
            {
                await publish(cancellationToken);
            }
        }
    }

    /// <summary>Forgets what was to be published: the change was rolled back.</summary>
    public void Discard() => _afterCommit.Clear();

    /// <summary>One change in progress: commit it, or dispose it to roll back.</summary>
    public sealed class Work : IAsyncDisposable
    {
        private readonly UnitOfWork _unit;
        private readonly IDbContextTransaction? _transaction;
        private bool _done;

        internal Work(UnitOfWork unit, IDbContextTransaction? transaction)
        {
            _unit = unit;
            _transaction = transaction;
        }

        /// <summary>Whether this unit owns the transaction (false: it joined an outer one, which commits and publishes).</summary>
        public bool IsOutermost => _transaction is not null;

        /// <summary>Saves what is pending, commits, then publishes (the outer unit does both when this one joined it).</summary>
        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            await _unit.SaveAsync(cancellationToken);
            if (_transaction is null)
            {
                _done = true;
                return;
            }

            await _transaction.CommitAsync(cancellationToken);
            _done = true;

            // Committed: what it announces goes out even if the caller gave up meanwhile (a client that hung up
            // must not leave the other agents without the live event of a change that was made).
            await _unit.PublishAsync(CancellationToken.None);
        }

        /// <summary>Rolls back and publishes nothing of it.</summary>
        public async Task RollbackAsync(CancellationToken cancellationToken)
        {
            if (_done || _transaction is null)
            {
                _done = true;
                return;
            }

            _done = true;
            await _transaction.RollbackAsync(cancellationToken);
            _unit.Discard();
        }

        public async ValueTask DisposeAsync()
        {
            if (_transaction is null)
            {
                return;
            }

            if (!_done)
            {
                // Not committed: an exception or an early return. Nothing of it is published.
                _unit.Discard();
            }

            await _transaction.DisposeAsync();
        }
    }

    private Task SaveAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);
}
