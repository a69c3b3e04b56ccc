using System.ComponentModel.DataAnnotations;

namespace Hub.Server.Modules.Inbox;

/// <summary>The one-question CSAT survey sent after a conversation is resolved. Bound from <c>Inbox:Csat</c>.</summary>
public sealed class CsatOptions
{
    public const string Section = "Inbox:Csat";

    /// <summary>Ask the contact for a score when an agent resolves a conversation. Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>The question sent on the conversation's channel.</summary>
    [Required, MinLength(1), MaxLength(1000)]
    public string Question { get; set; } = "How did we do? Reply with a number from 1 (poor) to 5 (great).";

    /// <summary>How long after asking a reply that is just a score counts as the answer.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan ResponseWindow { get; set; } = TimeSpan.FromDays(7);
}
