using Hub.Core.Contacts;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Core.Text;
using Hub.Data;
using Hub.Server.Modules.Notifications;
using Hub.Server.Modules.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Rules;

/// <summary>
/// Evaluates one stored event against its workspace's active rules (in <c>Order</c>, then name; the first match
/// wins unless it says <c>continue</c>). Each matched rule is decided in ONE transaction: preferences, the atomic
/// suppression claim, the action and the decision row commit or roll back together. Every event ends with at
/// least one decision. Runs in a scope whose workspace is the event's.
/// </summary>
public sealed class RuleEngine(
    HubDbContext db,
    UnitOfWork work,
    SuppressionLedger ledger,
    ActionRunner actions,
    IOptions<NotificationOptions> notificationOptions,
    WebhookPublisher webhooks,
    TimeProvider clock)
{
    /// <summary>Decides the event; an exception leaves it pending (the caller retries), with the decided rules kept.</summary>
    public async Task EvaluateAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var trackedEvent = await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, cancellationToken);
        if (trackedEvent is null || trackedEvent.Evaluation != EventEvaluation.Pending)
        {
            return;
        }

        var contact = await ContactAsync(trackedEvent, cancellationToken);
        var zone = contact?.TimeZoneOrUtc() ?? TimeZoneInfo.Utc;
        var rules = await db.Rules.AsNoTracking().Where(r => r.EventType == trackedEvent.EventType && r.IsActive)
            .OrderBy(r => r.Order).ThenBy(r => r.Name).ToListAsync(cancellationToken);

        // A retry after a partial failure must not act twice for a rule that already has its decision.
        var decided = (await db.Decisions.AsNoTracking().Where(d => d.EventId == eventId && d.RuleId != null)
            .Select(d => d.RuleId!.Value).ToListAsync(cancellationToken)).ToHashSet();
        var subject = new ConditionSubject(trackedEvent.Properties, trackedEvent.Traits, contact, trackedEvent.OccurredAt,
            await LatestPriorEventsAsync(trackedEvent, rules, cancellationToken));

        var matched = false;
        var misses = new List<string>();
        foreach (var rule in rules)
        {
            var result = ConditionEvaluator.Evaluate(rule.Conditions, subject);
            if (!result.Holds)
            {
                misses.Add($"{rule.Name} ({result.Why})");
                continue;
            }

            matched = true;
            if (!decided.Contains(rule.Id))
            {
                await DecideAsync(trackedEvent, rule, contact, zone, cancellationToken);
            }

            if (!rule.Continue)
            {
                break;
            }
        }

        await using var change = await work.BeginAsync(cancellationToken);
        if (!matched)
        {
            var reason = rules.Count == 0
                ? $"No active rule for event type {trackedEvent.EventType}."
                : $"{rules.Count} rule{(rules.Count == 1 ? string.Empty : "s")} for {trackedEvent.EventType}, none matched: {string.Join("; ", misses)}.";
            var decision = NewDecision(trackedEvent, contact, null);
            decision.Outcome = DecisionOutcome.NoRuleMatched;
            decision.Reason = Clip(reason);
            db.Decisions.Add(decision);
            await db.SaveChangesAsync(cancellationToken);
            await PublishAsync(decision, cancellationToken);
        }

        var now = clock.GetUtcNow();
        await db.Events.Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Evaluation, EventEvaluation.Evaluated).SetProperty(e => e.EvaluatedAt, now).SetProperty(e => e.LeasedUntil, (DateTimeOffset?)null), cancellationToken);
        await change.CommitAsync(cancellationToken);
    }

    /// <summary>Gives up on an event that kept failing: marks it failed with an Error decision saying why.</summary>
    public async Task FailAsync(Guid eventId, int attempts, string error, CancellationToken cancellationToken)
    {
        var trackedEvent = await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, cancellationToken);
        if (trackedEvent is null)
        {
            return;
        }

        await using var change = await work.BeginAsync(cancellationToken);
        var decision = NewDecision(trackedEvent, null, null);
        decision.ContactId = trackedEvent.ContactId;
        decision.Outcome = DecisionOutcome.Error;
        decision.Reason = Clip($"Evaluation failed {attempts} times; last error: {error}");
        db.Decisions.Add(decision);
        await db.SaveChangesAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Events.Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Evaluation, EventEvaluation.Failed).SetProperty(e => e.EvaluatedAt, now).SetProperty(e => e.LeasedUntil, (DateTimeOffset?)null), cancellationToken);
        await change.CommitAsync(cancellationToken);
    }

    private async Task DecideAsync(TrackedEvent trackedEvent, Rule rule, Contact? contact, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var decision = NewDecision(trackedEvent, contact, rule);
        var change = await work.BeginAsync(cancellationToken);
        try
        {
            // (a) preferences: send and push only; a webhook or an assignment is not a message to the user.
            DateTimeOffset? deferUntil = null;
            string? deferReason = null;
            if (rule.Action.Type is RuleActionType.Send or RuleActionType.Push && contact is not null)
            {
                var preferences = await db.NotificationPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.ContactId == contact.Id, cancellationToken);
                var category = rule.Action.Category;
                var verdict = PreferencePolicy.Check(preferences, decision.Channel!, category, notificationOptions.Value.IsCritical(category), zone, clock.GetUtcNow());
                if (verdict.Kind == PreferenceVerdictKind.Blocked)
                {
                    await CommitAsync(decision, DecisionOutcome.SkippedByPreference, verdict.Reason, change, cancellationToken);
                    return;
                }

                if (verdict.Kind == PreferenceVerdictKind.Deferred)
                {
                    deferUntil = verdict.Until;
                    deferReason = verdict.Reason;
                }
            }

            // (b) the suppression claim: inserting it IS the check.
            var claim = await ledger.TryClaimAsync(rule, trackedEvent, zone, cancellationToken);
            if (!claim.Claimed)
            {
                await CommitAsync(decision, DecisionOutcome.Suppressed, $"Suppressed ({Mode(rule)}): {claim.Reason}.", change, cancellationToken);
                return;
            }

            // (c) the action, in the same transaction.
            var outcome = await actions.RunAsync(rule, trackedEvent, contact, deferUntil, cancellationToken);
            if (!outcome.Done)
            {
                // Nothing went out: roll back so the claim is released (and nothing is published), then record why on its own.
                await change.RollbackAsync(cancellationToken);
                await change.DisposeAsync();
                db.ChangeTracker.Clear();
                change = await work.BeginAsync(cancellationToken);
                await CommitAsync(decision, outcome.RefusedAs, outcome.Summary, change, cancellationToken);
                return;
            }

            // (d) the decision, then commit (which publishes what the action added), then wake delivery / post.
            decision.MessageId = outcome.MessageId;
            decision.NotificationId = outcome.NotificationId;
            decision.ScheduledFor = deferUntil;
            var passed = claim.PeriodKey is null ? string.Empty : $", suppression ({Mode(rule)}) passed";
            var reason = deferUntil is null
                ? $"Rule '{rule.Name}' matched{passed}: {outcome.Summary}."
                : $"Rule '{rule.Name}' matched{passed}; {deferReason} {outcome.Summary}.";
            await CommitAsync(decision, deferUntil is null ? DecisionOutcome.Sent : DecisionOutcome.Deferred, reason, change, cancellationToken);
            if (outcome.AfterCommit is { } after)
            {
                await after(decision.Id, cancellationToken);
            }
        }
        finally
        {
            await change.DisposeAsync();
        }
    }

    private async Task CommitAsync(Decision decision, DecisionOutcome outcome, string reason, UnitOfWork.Work change, CancellationToken cancellationToken)
    {
        decision.Outcome = outcome;
        decision.Reason = Clip(reason);
        decision.DecidedAt = clock.GetUtcNow();
        db.Decisions.Add(decision);
        await db.SaveChangesAsync(cancellationToken);
        await PublishAsync(decision, cancellationToken);
        await change.CommitAsync(cancellationToken);
    }

    /// <summary><c>rules.decision.created</c>, in the decision's transaction.</summary>
    private Task PublishAsync(Decision decision, CancellationToken cancellationToken) =>
        webhooks.PublishAsync(decision.WorkspaceId, Core.Webhooks.WebhookSubjects.DecisionCreated, WebhookData.Decision(decision), decision.EventId.ToString(), cancellationToken);

    private async Task<Contact?> ContactAsync(TrackedEvent trackedEvent, CancellationToken cancellationToken)
    {
        if (trackedEvent.ContactId is { } id && await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } byId)
        {
            return byId;
        }

        return await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalId == trackedEvent.UserId, cancellationToken);
    }

    /// <summary>Per event type the rules ask about, the user's latest such event before this one (one indexed lookup each).</summary>
    private async Task<Dictionary<string, DateTimeOffset>> LatestPriorEventsAsync(TrackedEvent trackedEvent, List<Rule> rules, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var type in rules.SelectMany(r => ConditionEvaluator.PriorEventTypes(r.Conditions)).Distinct())
        {
            var at = await db.Events.AsNoTracking()
                .Where(e => e.UserId == trackedEvent.UserId && e.EventType == type && e.OccurredAt < trackedEvent.OccurredAt && e.Id != trackedEvent.Id)
                .OrderByDescending(e => e.OccurredAt).Select(e => (DateTimeOffset?)e.OccurredAt).FirstOrDefaultAsync(cancellationToken);
            if (at is { } found)
            {
                latest[type] = found;
            }
        }

        return latest;
    }

    private Decision NewDecision(TrackedEvent trackedEvent, Contact? contact, Rule? rule) => new()
    {
        EventId = trackedEvent.Id,
        EventType = trackedEvent.EventType,
        EventOccurredAt = trackedEvent.OccurredAt,
        UserId = trackedEvent.UserId,
        ContactId = contact?.Id,
        RuleId = rule?.Id,
        RuleName = rule?.Name,
        ActionType = rule?.Action.Type,
        TemplateName = rule?.Action.Type is RuleActionType.Send or RuleActionType.Push ? rule.Action.Template : null,
        Channel = rule?.Action.Type switch
        {
            RuleActionType.Send => rule.Action.Channel?.ToLowerInvariant(),
            RuleActionType.Push => "push",
            RuleActionType.Webhook => "webhook",
            _ => null,
        },
        Reason = string.Empty,
        DecidedAt = clock.GetUtcNow(),
    };

    private static string Mode(Rule rule) => rule.Suppression.Mode switch
    {
        SuppressionMode.OnceEver => "once_ever",
        SuppressionMode.OncePerCalendarDay => "once_per_calendar_day",
        SuppressionMode.MaxPerWindow => $"max {rule.Suppression.Max} per {rule.Suppression.Window}",
        _ => "none",
    };

    private static string Clip(string text) => TextCut.Cut(text, 1000, "...");
}
