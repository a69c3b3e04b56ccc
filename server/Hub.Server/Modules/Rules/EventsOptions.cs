using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Rules;

/// <summary>Event ingestion and the rules engine (<c>Events</c> section).</summary>
public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>How far in the future an event's timestamp may be (clock skew of the sender).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old an event may be when it arrives.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3660.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Events evaluated in parallel by this node.</summary>
    [Range(1, 64)]
    public int EvaluationConcurrency { get; set; } = 4;

    /// <summary>Run the evaluation worker in this process (tests turn it off and drive it by hand).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Pending events one claim takes.</summary>
    [Range(1, 1000)]
    public int ClaimBatchSize { get; set; } = 50;

    /// <summary>How long a claim holds an event; an expired lease frees it for another node.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle worker looks for pending events (ingestion on this node wakes it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Evaluation tries before an event is marked failed with an error decision.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a failed evaluation waits before its next try.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a rule's webhook POST may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
