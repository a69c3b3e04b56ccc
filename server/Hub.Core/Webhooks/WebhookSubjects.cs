using System.Text.RegularExpressions;

namespace Hub.Core.Webhooks;

/// <summary>
/// The subjects Hub publishes to webhooks (<c>{domain}.{entity}.{action}</c>) and the patterns subscriptions use.
/// A pattern is a subject whose segments may be <c>*</c>: inside a pattern <c>*</c> matches exactly one segment
/// (<c>inbox.*.received</c>); as the LAST segment it matches one or more (<c>campaign.*</c> takes every
/// campaign subject, <c>*</c> takes everything).
/// </summary>
public static partial class WebhookSubjects
{
    /// <summary>An inbound message was stored in a conversation.</summary>
    public const string MessageReceived = "inbox.message.received";

    /// <summary>The provider took an outbound message.</summary>
    public const string MessageSent = "inbox.message.sent";

    /// <summary>The provider reported an outbound message delivered (or read).</summary>
    public const string MessageDelivered = "inbox.message.delivered";

    /// <summary>Delivery of an outbound message failed for good.</summary>
    public const string MessageFailed = "inbox.message.failed";

    /// <summary>An outbound message bounced.</summary>
    public const string MessageBounced = "inbox.message.bounced";

    /// <summary>An agent resolved a conversation.</summary>
    public const string ConversationResolved = "inbox.conversation.resolved";

    /// <summary>The rules engine recorded a decision for an event (sent, suppressed, no rule matched...).</summary>
    public const string DecisionCreated = "rules.decision.created";

    /// <summary>A campaign status change: <c>campaign.campaign.{started|scheduled|paused|resumed|completed|cancelled|failed}</c>.</summary>
    public const string CampaignPrefix = "campaign.campaign.";

    /// <summary>An analytics alert rule started breaching; data is the AnalyticsAlertMessage.</summary>
    public const string AlertRaised = "analytics.alert.raised";

    /// <summary>An analytics alert rule is back under its threshold; data is the AnalyticsAlertMessage.</summary>
    public const string AlertCleared = "analytics.alert.cleared";

    /// <summary>Sent by <c>POST /api/v1/webhooks/{id}/test</c>.</summary>
    public const string TestPing = "webhook.test.ping";

    /// <summary>Every subject Hub publishes today.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        MessageReceived, MessageSent, MessageDelivered, MessageFailed, MessageBounced, ConversationResolved, DecisionCreated,
        CampaignPrefix + "started", CampaignPrefix + "scheduled", CampaignPrefix + "paused", CampaignPrefix + "resumed",
        CampaignPrefix + "completed", CampaignPrefix + "cancelled", CampaignPrefix + "failed", AlertRaised, AlertCleared, TestPing,
    ];

    [GeneratedRegex("^(\\*|[a-z][a-z0-9_]*)(\\.(\\*|[a-z][a-z0-9_]*)){0,2}$")]
    private static partial Regex PatternShape();

    /// <summary>Why <paramref name="pattern"/> is not a usable pattern, or null when it is.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "A subject pattern can't be empty.";
        }

        if (!PatternShape().IsMatch(pattern))
        {
            return $"'{pattern}' is not a subject pattern: up to three dot-separated lower-case segments (a-z, 0-9, _), each possibly '*', e.g. inbox.message.* or campaign.*.";
        }

        return pattern.Split('.').Length == 3 || pattern.EndsWith('*') ? null
            : $"'{pattern}' can never match: subjects have three segments (domain.entity.action); end it with '*' to match the rest.";
    }

    /// <summary>Whether <paramref name="subject"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string subject)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(subject);
        var p = pattern.Split('.');
        var s = subject.Split('.');
        for (var i = 0; i < p.Length; i++)
        {
            if (i >= s.Length)
            {
                return false;
            }

            if (p[i] == "*" && i == p.Length - 1)
            {
                return true; // a trailing * takes the rest
            }

            if (p[i] != "*" && !string.Equals(p[i], s[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return p.Length == s.Length;
    }
}
