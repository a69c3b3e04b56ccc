using Hub.Core.Campaigns;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Data.Claims;
using Hub.Server.Auth;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// What a runner turn reads and writes on a campaign's send ledger, in one place: the campaign as the turn sees it,
/// which contacts a run already holds, adding rows, claiming the due ones with the <see cref="RowClaimer"/>, and the
/// status check that lets a pause win over a batch. The ledger rows a batch claims stay tracked (and saved with the
/// messages written for them) until <see cref="Forget"/>.
/// </summary>
public sealed class CampaignLedger(HubDbContext db, RowClaimer claimer, ScopedWorkspaceContext workspace)
{
    /// <summary>
    /// The campaign, with this scope switched to its workspace (a sweep's scope starts in none), when it is running;
    /// null otherwise. Read untracked: the turn keeps it as it was when the turn began.
    /// </summary>
    public async Task<Campaign?> OpenRunningAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        var workspaceId = await db.Campaigns.IgnoreQueryFilters().Where(c => c.Id == campaignId).Select(c => c.WorkspaceId).FirstOrDefaultAsync(cancellationToken);
        workspace.Use(workspaceId);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        return campaign is { Status: CampaignStatus.Running } ? campaign : null;
    }

    /// <summary>The campaign's status now (a pause or stop since the turn began shows here).</summary>
    public Task<CampaignStatus> StatusAsync(Guid campaignId, CancellationToken cancellationToken) =>
        db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.Status).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Which of <paramref name="contactIds"/> already have a row in the run.</summary>
    public async Task<HashSet<Guid>> ContactsInRunAsync(Guid campaignId, int run, IEnumerable<Guid> contactIds, CancellationToken cancellationToken)
    {
        var ids = contactIds.ToList();
        var present = await db.CampaignRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaignId && r.Run == run && ids.Contains(r.ContactId))
            .Select(r => r.ContactId).ToListAsync(cancellationToken);
        return [.. present];
    }

    /// <summary>
    /// Writes new rows. The ledger is unique per (campaign, run, contact): when another runner wrote some of them
    /// first this throws <see cref="DbUpdateException"/> and nothing of the batch is kept, so the caller can look again.
    /// </summary>
    public async Task AddAsync(IReadOnlyCollection<CampaignRecipient> rows, CancellationToken cancellationToken)
    {
        db.CampaignRecipients.AddRange(rows);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Claims up to <paramref name="size"/> of the run's due rows, in ledger order, for the caller's open transaction
    /// (locked under PostgreSQL, behind SQLite's one writer): a parallel runner or a stop can't take them until it
    /// ends. They are tracked, so what the caller changes on them is saved with the batch.
    /// </summary>
    public async Task<IReadOnlyList<CampaignRecipient>> ClaimDueAsync(Guid campaignId, int run, int size, CancellationToken cancellationToken)
    {
        var rows = await claimer.LockAsync(Due(campaignId, run), size, cancellationToken);
        db.CampaignRecipients.AttachRange(rows);
        return rows;
    }

    /// <summary>The contacts of <paramref name="rows"/>, by id.</summary>
    public Task<Dictionary<Guid, Contact>> ContactsOfAsync(IEnumerable<CampaignRecipient> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(r => r.ContactId).ToList();
        return db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
    }

    /// <summary>Writes what the batch changed (its rows, and the messages written for them) into the open transaction.</summary>
    public Task SaveAsync(CancellationToken cancellationToken) => db.SaveChangesAsync(cancellationToken);

    /// <summary>
    /// Whether the campaign is still running, read so that a pause can't slip past the open transaction: under a share
    /// lock on PostgreSQL (a pause's update waits for this transaction to end), under the write lock the transaction
    /// already holds on SQLite. Either the pause landed before this read and is seen, or it waits for the commit.
    /// </summary>
    public async Task<bool> IsStillRunningAsync(Guid campaignId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // LINQ can't say FOR SHARE; the one raw read of the runner, kept beside the ledger it guards.
            var status = await db.Database.SqlQuery<string>($"""SELECT "Status" AS "Value" FROM campaigns WHERE "Id" = {campaignId} FOR SHARE""")
                .FirstOrDefaultAsync(cancellationToken);
            return status == nameof(CampaignStatus.Running);
        }

        return await StatusAsync(campaignId, cancellationToken) == CampaignStatus.Running;
    }

    /// <summary>Lets go of the rows a batch tracked, once it committed or rolled back.</summary>
    public void Forget() => db.ChangeTracker.Clear();

    /// <summary>Whether the run has rows still to send (pending, or deferred for quiet hours or an A/B winner).</summary>
    public Task<bool> HasUnsentAsync(Guid campaignId, int run, CancellationToken cancellationToken) =>
        db.CampaignRecipients.Where(r => r.CampaignId == campaignId && r.Run == run).AnyAsync(CampaignRecipient.Unsent, cancellationToken);

    /// <summary>A run's ledger rows whose turn has come, in ledger order, as the <see cref="RowClaimer"/> takes them.</summary>
    private static ClaimSpec<CampaignRecipient> Due(Guid campaignId, int run) => new()
    {
        Waiting = (rows, now) => rows.Where(r => r.CampaignId == campaignId && r.Run == run).Where(CampaignRecipient.DueAt(now)),
        Order = rows => rows.OrderBy(r => r.Id),
    };
}
