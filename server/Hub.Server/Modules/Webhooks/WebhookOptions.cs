using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Webhooks;

/// <summary>
/// Outbound webhooks: the dispatcher, its retries and the SSRF guard (which rule webhooks go through too). Bound from the
/// <c>Webhooks</c> section.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>Run the dispatcher in this process (turn off for an API-only node; events are still recorded).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The schedule used when <see cref="RetrySchedule"/> is not set: 1 s, 5 s, 30 s, 2 min, 10 min, 1 h.</summary>
    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
    ];

    /// <summary>
    /// The waits after the 1st, 2nd, ... failed attempt; when they run out the delivery is dead. Unset:
    /// <see cref="DefaultRetrySchedule"/> (7 attempts over about 1 h 13 min). (Nullable so that configuration replaces
    /// the default rather than appending to it.)
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Bound from configuration.")]
    public List<TimeSpan>? RetrySchedule { get; set; }

    /// <summary>The schedule in force.</summary>
    public IReadOnlyList<TimeSpan> Backoff => RetrySchedule is { Count: > 0 } schedule ? schedule : DefaultRetrySchedule;

    /// <summary>How long one POST may take (connect + answer) before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Allow targets on loopback, private (RFC 1918), link-local (cloud metadata), CGNAT, unique-local and multicast
    /// addresses, for outbound and rule webhooks alike. Off in production: a subscriber or a rule's author could otherwise
    /// make Hub call into its own network.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How often an idle dispatcher looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries one dispatcher claims at a time.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>Parallel POSTs per node.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Most of a failing answer's body kept in the delivery log.</summary>
    [Range(0, 2000)]
    public int MaxErrorBodyChars { get; set; } = 500;

    /// <summary>How long a claim holds a row: past it another dispatcher re-sends (same id) — the timeout plus a margin.</summary>
    public TimeSpan Lease => Timeout + TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Backoff.Any(d => d < TimeSpan.Zero))
        {
            yield return new ValidationResult("Retry delays can't be negative.", [nameof(RetrySchedule)]);
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("The timeout must be positive.", [nameof(Timeout)]);
        }
    }
}
