using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Delivery;

/// <summary>The outbox delivery workers. Bound from the <c>Delivery</c> section.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Run delivery workers in this process (turn off for an API-only node).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Workers per node; each claims its own batches.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>How long a claim holds a row; an expired claim frees it for another worker.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle worker looks for due rows (a new message wakes it at once on its own node).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Tries before a transiently failing message is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff after the first failure; doubled each try, with ±50% jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where the dev sink (provider <c>dev-sink</c>) writes what it would have sent.</summary>
    public string DevSinkPath { get; set; } = "App_Data/outbox-dev-sink";
}
