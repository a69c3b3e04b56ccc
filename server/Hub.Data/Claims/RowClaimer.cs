using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Hub.Data.Claims;

/// <summary>
/// What one kind of work row is, for the <see cref="RowClaimer"/>: given once per use (outbox, webhook deliveries,
/// events, a campaign's ledger), so the claim itself exists once.
/// </summary>
/// <typeparam name="T">The entity of the table the work waits in; it has a <see cref="Guid"/> key named <c>Id</c>.</typeparam>
public sealed record ClaimSpec<T> where T : class
{
    /// <summary>Narrows the table to the rows waiting to be worked on at a given time (the claimer adds the lease check itself).</summary>
    public required Func<IQueryable<T>, DateTimeOffset, IQueryable<T>> Waiting { get; init; }

    /// <summary>The order to take them in, oldest work first.</summary>
    public required Func<IQueryable<T>, IOrderedQueryable<T>> Order { get; init; }

    /// <summary>
    /// The column holding the lease's end (a nullable time). A claimed row is nobody else's until then, even after the
    /// claim's transaction committed; once it ran out (its worker died) the row is claimed again. Null: the claim holds
    /// only as long as the caller's open transaction, which keeps the rows locked.
    /// </summary>
    public string? LeaseUntil { get; init; }

    /// <summary>The column naming the worker holding the lease, when the table has one.</summary>
    public string? LeaseHolder { get; init; }

    /// <summary>Other columns each claim sets (a try counter), applied in the same update as the lease.</summary>
    public Action<UpdateSettersBuilder<T>>? AlsoOnClaim { get; init; }
}

/// <summary>
/// Hands waiting rows to one worker so that parallel workers, on any number of nodes, never take the same row. The
/// candidates are read and leased inside one transaction: on PostgreSQL the read is <c>FOR UPDATE SKIP LOCKED</c>
/// (workers never wait on each other, a row being claimed is just passed over); SQLite has a single writer and a
/// transaction takes the write lock when it begins, so the read and the update are one step for everyone else.
/// </summary>
public sealed class RowClaimer(HubDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Takes up to <paramref name="batchSize"/> waiting rows for the caller's open transaction, for a spec without a
    /// lease: they are the caller's until it commits or rolls back. Returned untracked.
    /// </summary>
    public Task<IReadOnlyList<T>> LockAsync<T>(ClaimSpec<T> spec, int batchSize, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.LeaseUntil is not null)
        {
            throw new ArgumentException("A leased spec is claimed with ClaimAsync.", nameof(spec));
        }

        return ClaimAsync(spec, null, batchSize, TimeSpan.Zero, cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> waiting rows across workspaces, oldest first, leased to
    /// <paramref name="holder"/> for <paramref name="lease"/> when the spec has a lease. Without one, call it inside
    /// your own transaction: the rows are yours until it ends. Returned untracked, as they are after the claim.
    /// </summary>
    public async Task<IReadOnlyList<T>> ClaimAsync<T>(ClaimSpec<T> spec, string? holder, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.LeaseUntil is null && db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A claim without a lease holds only inside the caller's transaction.");
        }

        var now = clock.GetUtcNow();
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var waiting = spec.Waiting(db.Set<T>().IgnoreQueryFilters(), now);
        if (spec.LeaseUntil is { } untilColumn)
        {
            waiting = waiting.Where(e => EF.Property<DateTimeOffset?>(e, untilColumn) == null || EF.Property<DateTimeOffset?>(e, untilColumn) < now);
        }

        var candidates = spec.Order(waiting).Take(batchSize).AsNoTracking();
        if (db.Database.IsNpgsql())
        {
            candidates = candidates.TagWith(SkipLockedInterceptor.Tag);
        }

        var rows = await candidates.ToListAsync(cancellationToken);
        if (rows.Count == 0 || spec.LeaseUntil is not { } leaseColumn)
        {
            return rows;
        }

        var ids = rows.Select(r => (Guid)db.Entry(r).Property("Id").CurrentValue!).ToList();
        var until = now + lease;
        var mine = db.Set<T>().IgnoreQueryFilters().Where(e => ids.Contains(EF.Property<Guid>(e, "Id")));
        await mine.ExecuteUpdateAsync(s =>
        {
            s.SetProperty(e => EF.Property<DateTimeOffset?>(e, leaseColumn), until);
            if (spec.LeaseHolder is { } holderColumn)
            {
                s.SetProperty(e => EF.Property<string?>(e, holderColumn), holder);
            }

            spec.AlsoOnClaim?.Invoke(s);
        }, cancellationToken);
        var claimed = await spec.Order(mine).AsNoTracking().ToListAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return claimed;
    }
}
