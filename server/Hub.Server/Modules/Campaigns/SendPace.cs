using Hub.Core.Campaigns;

namespace Hub.Server.Modules.Campaigns;

/// <summary>
/// A campaign's throttle: how many ledger rows one batch claims, and how long the runner waits after a batch so that
/// it queues no more than <see cref="CampaignSettings.RateLimit"/> messages a second. No rate limit: full batches,
/// no waiting.
/// </summary>
public static class SendPace
{
    /// <summary>The batch size, never more than one second's worth under a rate limit (and at least one row).</summary>
    public static int BatchSize(CampaignSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Math.Max(1, settings.RateLimit > 0 ? Math.Min(settings.BatchSize, settings.RateLimit) : settings.BatchSize);
    }

    /// <summary>
    /// How long to wait after a batch that queued <paramref name="queued"/> messages and took <paramref name="took"/>:
    /// what is left of the time those messages are worth at the rate limit. Zero when nothing is due.
    /// </summary>
    public static TimeSpan PauseAfter(CampaignSettings settings, int queued, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.RateLimit <= 0 || queued <= 0)
        {
            return TimeSpan.Zero;
        }

        var due = TimeSpan.FromSeconds((double)queued / settings.RateLimit) - took;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }
}
