using System.Text.Json;
using Hub.Core.Rules;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Rules;

/// <summary>
/// Posts an event to a rule's webhook AFTER the decision committed (a network call must not hold the database
/// transaction, nor the suppression claim's lock), through the one guarded <see cref="SignedWebhookSender"/> (no
/// private or reserved address unless <c>Webhooks:AllowPrivateTargets</c>, no redirect followed, <c>Events:WebhookTimeout</c>),
/// signed <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> with the workspace's secret (the one
/// its backend already signs end-user tokens with). The decision is then updated with the answer: the HTTP status, or
/// Error with why (refused, timed out, failed). It is not retried: the claim stands, so a once-only webhook is never
/// posted twice.
/// </summary>
public sealed class WebhookPoster(SignedWebhookSender sender, HubDbContext db, IOptions<EventsOptions> options)
{
    /// <summary>How much of a failing answer's body the decision quotes (the audit shows it to whoever debugs the rule).</summary>
    private const int QuotedErrorChars = 300;

    /// <summary>The JSON posted: the event as the events API shows it, and the rule that fired.</summary>
    public static byte[] Body(TrackedEvent trackedEvent, Rule rule)
    {
        ArgumentNullException.ThrowIfNull(trackedEvent);
        ArgumentNullException.ThrowIfNull(rule);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["event_id"] = trackedEvent.Id,
            ["client_event_id"] = trackedEvent.ClientEventId,
            ["user_id"] = trackedEvent.UserId,
            ["event_type"] = trackedEvent.EventType,
            ["event_timestamp"] = trackedEvent.OccurredAt,
            ["properties"] = trackedEvent.Properties,
            ["user_traits"] = trackedEvent.Traits,
            ["rule"] = rule.Name,
        });
    }

    public async Task PostAsync(Guid workspaceId, Uri url, byte[] body, Guid decisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var secret = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.ClientTokenSecret).FirstAsync(cancellationToken);
        var answer = await sender.PostAsync(
            new WebhookPost(url.AbsoluteUri, body, secret, WebhookSignatureScheme.Body, options.Value.WebhookTimeout) { MaxErrorBodyChars = QuotedErrorChars },
            cancellationToken);
        var outcome = answer.Succeeded ? DecisionOutcome.Sent : DecisionOutcome.Error;
        await db.Decisions.IgnoreQueryFilters().Where(d => d.Id == decisionId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Outcome, outcome).SetProperty(d => d.Reason, TextCut.Cut(answer.Description, 1000)), cancellationToken);
    }
}
