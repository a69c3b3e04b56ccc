using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Inbox;

/// <summary>Inbox behaviour. Bound from the <c>Inbox</c> section.</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>An email with no threading headers joins the same contact's conversation with the same subject within this window.</summary>
    public TimeSpan SubjectThreadingWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Give new conversations to an online agent of the team automatically (round-robin, within capacity).</summary>
    public bool AutoAssign { get; set; } = true;

    /// <summary>Most SMS segments one message may take (a longer one is refused with 422).</summary>
    [Range(1, 50)]
    public int MaxSmsSegments { get; set; } = 10;

    /// <summary>Largest email body accepted for sending, in bytes.</summary>
    [Range(1024, 50_000_000)]
    public int MaxEmailBytes { get; set; } = 10_000_000;

    /// <summary>A message this negative (sentiment score) raises its conversation to high priority…</summary>
    [Range(-1.0, 0.0)]
    public double HighBelowSentiment { get; set; } = -0.5;

    /// <summary>…and this negative, to urgent.</summary>
    [Range(-1.0, 0.0)]
    public double UrgentBelowSentiment { get; set; } = -0.85;

    /// <summary>Routing by intent: a new conversation whose first message has this intent goes to that team (e.g. <c>card_lost</c> → <c>cards</c>).</summary>
    public Dictionary<string, string> IntentTeams { get; set; } = [];

    /// <summary>How often the SLA monitor looks for conversations nearing or past their targets.</summary>
    public TimeSpan SlaCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
