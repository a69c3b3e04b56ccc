using System.Net;
using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Core.Rules;
using Hub.Server.Modules.Webhooks;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Tests.Rules;

/// <summary>The engine end to end: conditions, prior events, ordering and continue, each action, failures, the audit.</summary>
public sealed class RuleEngineTests : IClassFixture<RulesHub>
{
    private readonly RulesHub _hub;

    public RuleEngineTests(RulesHub hub) => _hub = hub;

    private DateTimeOffset Now => _hub.Clock.GetUtcNow();

    [Fact]
    public async Task Prior_event_within_24h_matches_a_signup_23h_before_but_not_25h_before()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("activate", "Activate", "Finish setting up");
        await tenant.RuleAsync("trial_day_one", Tenant.Email("activate"), name: "nudge_after_signup", conditions: new RuleConditions
        {
            All = [new RuleCondition { PriorEvent = "signup_completed", Within = "24h" }],
        });
        var recent = $"recent-{Guid.NewGuid():N}";
        var old = $"old-{Guid.NewGuid():N}";
        foreach (var (user, hours) in new[] { (recent, 23), (old, 25) })
        {
            await tenant.EventAsync(user, "signup_completed", Now.AddHours(-hours), traits: new { email = $"{user}@example.com" });
            await tenant.EventAsync(user, "trial_day_one", Now, traits: new { email = $"{user}@example.com" });
        }

        await _hub.EvaluateAsync();

        Assert.Equal(DecisionOutcome.Sent, (await tenant.DecisionsAsync(recent)).Single(d => d.EventType == "trial_day_one").Outcome);
        var missed = (await tenant.DecisionsAsync(old)).Single(d => d.EventType == "trial_day_one");
        Assert.Equal(DecisionOutcome.NoRuleMatched, missed.Outcome);
        Assert.Equal("1 rule for trial_day_one, none matched: nudge_after_signup (no signup_completed within 24h before).", missed.Reason);
    }

    [Fact]
    public async Task Rules_run_in_order_the_first_match_wins_and_continue_lets_later_rules_act_too()
    {
        var tenant = await _hub.NewTenantAsync();
        foreach (var name in new[] { "big", "expired", "fallback" })
        {
            await tenant.TemplateAsync(name, name, name);
        }

        var amount = new RuleConditions { All = [new RuleCondition { Field = "properties.amount", Operator = ConditionOperator.Gt, Value = Tenant.Json(100) }] };
        var reason = new RuleConditions
        {
            All = [new RuleCondition { Field = "properties.reason", Operator = ConditionOperator.In, Value = Tenant.Json(new[] { "CARD_EXPIRED", "CARD_LOST" }) }],
        };
        await tenant.RuleAsync("payment_failed", Tenant.Email("fallback"), order: 3, name: "c_fallback");
        await tenant.RuleAsync("payment_failed", Tenant.Email("big"), conditions: amount, order: 1, continues: true, name: "a_big");
        await tenant.RuleAsync("payment_failed", Tenant.Email("expired"), conditions: reason, order: 2, name: "b_expired");
        var inactive = await tenant.RuleAsync("payment_failed", Tenant.Email("big"), order: 0, name: "inactive");
        await tenant.InAsync(db => db.Rules.Where(r => r.Id == inactive.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.IsActive, false)));

        async Task<string[]> Fired(object properties)
        {
            var user = $"u-{Guid.NewGuid():N}";
            await tenant.EventAsync(user, "payment_failed", Now, properties, new { email = $"{user}@example.com" });
            await _hub.EvaluateAsync();
            var decisions = await tenant.DecisionsAsync(user);
            Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Sent, d.Outcome));
            return [.. decisions.Select(d => d.RuleName!).Order()];
        }

        Assert.Equal(["a_big", "b_expired"], await Fired(new { amount = 150, reason = "CARD_EXPIRED" }));
        Assert.Equal(["a_big", "c_fallback"], await Fired(new { amount = 150.5, reason = "OTHER" }));
        Assert.Equal(["b_expired"], await Fired(new { amount = 20, reason = "CARD_LOST" }));
        Assert.Equal(["c_fallback"], await Fired(new { amount = "150", reason = "card_expired" }));
    }

    [Fact]
    public async Task A_send_reaches_the_provider_with_the_template_rendered_for_the_user_and_the_event()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("trial_ending", "{{ contact.first_name }}, your trial ends", "Hi {{ contact.first_name }}, your {{ data.plan }} trial ends in {{ data.days }} days.");
        await tenant.RuleAsync("trial_ending", Tenant.Email("trial_ending"), new RuleSuppression { Mode = SuppressionMode.OnceEver });
        var user = $"u-{Guid.NewGuid():N}";
        var id = await tenant.EventAsync(user, "trial_ending", Now, new { plan = "Pro", days = 3 }, new { email = $"{user}@example.com", first_name = "Ana" });
        await _hub.EvaluateAsync();
        await _hub.DeliverAsync();

        var decision = Assert.Single(await tenant.DecisionsAsync(user));
        Assert.Equal(DecisionOutcome.Sent, decision.Outcome);
        var envelope = Assert.Single(_hub.Envelopes, e => e.MessageId == decision.MessageId);
        Assert.Equal($"{user}@example.com", envelope.To);
        Assert.Equal("Ana, your trial ends", envelope.Subject);
        Assert.Equal("Hi Ana, your Pro trial ends in 3 days.", envelope.Text);
        var message = await tenant.Admin.GetJsonAsync($"/api/v1/messages/{decision.MessageId}");
        Assert.Equal("sent", message.Str("status"));

        var shown = await tenant.Api.GetJsonAsync($"/api/v1/events/{id}");
        Assert.Equal(decision.MessageId.ToString(), Assert.Single(shown.GetProperty("decisions").EnumerateArray()).Str("message_id"));
    }

    [Fact]
    public async Task A_rule_send_uses_the_template_localisation_of_the_users_language()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("trial_ending_l10n", "{{ contact.first_name }}, your trial ends", "Your trial ends.");
        await tenant.InAsync(db => db.Templates.Where(t => t.Name == "trial_ending_l10n").ExecuteUpdateAsync(s => s.SetProperty(t => t.Localizations,
            new Dictionary<string, Hub.Core.Campaigns.TemplateLocalization>
            {
                ["de"] = new() { Subject = "{{ contact.first_name }}, Ihre Testphase endet", HtmlContent = "<p>Ihre Testphase endet.</p>" },
            })));
        await tenant.RuleAsync("trial_ending", Tenant.Email("trial_ending_l10n"), new RuleSuppression { Mode = SuppressionMode.OnceEver });
        var german = $"de-{Guid.NewGuid():N}";
        var english = $"en-{Guid.NewGuid():N}";
        await tenant.EventAsync(german, "trial_ending", Now, traits: new { email = $"{german}@example.com", first_name = "Jonas", language = "de-AT" });
        await tenant.EventAsync(english, "trial_ending", Now, traits: new { email = $"{english}@example.com", first_name = "Ana", language = "en" });
        await _hub.EvaluateAsync();
        await _hub.DeliverAsync();

        var toGerman = Assert.Single(_hub.Envelopes, e => e.To == $"{german}@example.com");
        Assert.Equal(("Jonas, Ihre Testphase endet", "Ihre Testphase endet."), (toGerman.Subject, toGerman.Text)); // de-AT: the base language de
        var toEnglish = Assert.Single(_hub.Envelopes, e => e.To == $"{english}@example.com");
        Assert.Equal(("Ana, your trial ends", "Your trial ends."), (toEnglish.Subject, toEnglish.Text));
    }

    [Fact]
    public async Task A_user_without_an_address_gets_no_channel_and_the_claim_is_released()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("hello", "Hello", "Hello");
        var rule = await tenant.RuleAsync("greeted", Tenant.Email("hello"), new RuleSuppression { Mode = SuppressionMode.OnceEver });
        var user = $"u-{Guid.NewGuid():N}";
        await tenant.EventAsync(user, "greeted", Now);
        await _hub.EvaluateAsync();

        var decision = Assert.Single(await tenant.DecisionsAsync(user));
        Assert.Equal(DecisionOutcome.NoChannel, decision.Outcome);
        Assert.Equal("The user has no email address.", decision.Reason);
        Assert.Equal(0, await tenant.InAsync(db => db.SuppressionClaims.CountAsync(c => c.RuleId == rule.Id)));
        Assert.Equal(0, await tenant.InAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task A_webhook_is_posted_signed_with_the_workspace_secret_and_its_answer_is_recorded()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.RuleAsync("churn_risk", new RuleAction { Type = RuleActionType.Webhook, Url = "https://crm.example.com/hooks/hub" }, name: "to_crm");
        await tenant.RuleAsync("churn_risk", new RuleAction { Type = RuleActionType.Webhook, Url = "https://crm.example.com/broken" }, order: 1, name: "z_broken");
        await tenant.InAsync(db => db.Rules.Where(r => r.Name == "to_crm").ExecuteUpdateAsync(s => s.SetProperty(r => r.Continue, true)));
        var user = $"u-{Guid.NewGuid():N}";
        var id = await tenant.EventAsync(user, "churn_risk", Now, new { score = 0.9 });
        await _hub.EvaluateAsync();

        var (url, signature, body) = Assert.Single(_hub.Webhooks, w => JsonDocument.Parse(w.Body).RootElement.Str("event_id") == id.ToString() && w.Url.AbsolutePath == "/hooks/hub");
        var secret = await tenant.InAsync(db => db.Workspaces.Where(w => w.Id == tenant.Id).Select(w => w.ClientTokenSecret).SingleAsync());
        Assert.Equal(WebhookSigner.SignBody(secret, body), signature);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body)), signature);
        var posted = JsonDocument.Parse(body).RootElement;
        Assert.Equal("churn_risk", posted.Str("event_type"));
        Assert.Equal(0.9, posted.GetProperty("properties").GetProperty("score").GetDouble());

        var decisions = await tenant.DecisionsAsync(user);
        var ok = decisions.Single(d => d.RuleName == "to_crm");
        Assert.Equal(DecisionOutcome.Sent, ok.Outcome);
        Assert.Equal("webhook", ok.Channel);
        Assert.Contains("answered 204", ok.Reason, StringComparison.Ordinal);
        var failed = decisions.Single(d => d.RuleName == "z_broken");
        Assert.Equal(DecisionOutcome.Error, failed.Outcome);
        Assert.Contains("answered 500", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_gives_the_users_open_conversation_to_the_named_member_and_says_so_when_there_is_none()
    {
        var tenant = await _hub.NewTenantAsync();
        var email = $"agent-{Guid.NewGuid():N}@example.com";
        var member = await tenant.Admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Vip desk", role = "agent", password = "Agent-Passw0rd-1" });
        await tenant.RuleAsync("vip_complaint", new RuleAction { Type = RuleActionType.Assign, AssignTo = email.ToUpperInvariant() });
        var withConversation = $"u-{Guid.NewGuid():N}";
        var without = $"u-{Guid.NewGuid():N}";
        await tenant.EventAsync(withConversation, "vip_complaint", Now, traits: new { email = $"{withConversation}@example.com" });
        await tenant.EventAsync(without, "vip_complaint", Now);
        var conversationId = await tenant.InAsync(async db =>
        {
            var contact = await db.Contacts.SingleAsync(c => c.ExternalId == withConversation);
            var channel = await db.Channels.FirstAsync();
            var conversation = new Conversation { ContactId = contact.Id, ChannelId = channel.Id, ChannelType = ChannelType.Email, LastMessageAt = Now, CreatedAt = Now, UpdatedAt = Now };
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
            return conversation.Id;
        });
        await _hub.EvaluateAsync();

        Assert.Equal(DecisionOutcome.Sent, Assert.Single(await tenant.DecisionsAsync(withConversation)).Outcome);
        var conversation = await tenant.Admin.GetJsonAsync($"/api/v1/conversations/{conversationId}");
        Assert.Equal(member.Str("id"), conversation.Str("assignee_id"));
        var none = Assert.Single(await tenant.DecisionsAsync(without));
        Assert.Equal(DecisionOutcome.NoChannel, none.Outcome);
        Assert.Equal("The user has no open conversation.", none.Reason);
    }

    [Fact]
    public async Task An_event_whose_evaluation_keeps_failing_is_marked_failed_with_an_error_decision_after_three_tries()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("x", "x", "x");
        // "soon" is no duration: saved straight into the table, past the authoring API's validation.
        await tenant.RuleAsync("odd", Tenant.Email("x"), conditions: new RuleConditions { All = [new RuleCondition { PriorEvent = "a", Within = "soon" }] });
        var user = $"u-{Guid.NewGuid():N}";
        var id = await tenant.EventAsync(user, "odd", Now);
        for (var i = 0; i < 5; i++)
        {
            await _hub.EvaluateAsync();
            _hub.Clock.Advance(TimeSpan.FromSeconds(1)); // past the retry delay
        }

        var stored = await tenant.InAsync(db => db.Events.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Equal(EventEvaluation.Failed, stored.Evaluation);
        Assert.Equal(3, stored.EvaluationAttempts);
        var decision = Assert.Single(await tenant.DecisionsAsync(user));
        Assert.Equal(DecisionOutcome.Error, decision.Outcome);
        Assert.StartsWith("Evaluation failed 3 times; last error: 'soon' is not a duration", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_pages_newest_first_filters_and_hides_other_workspaces_users()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("t", "t", "t");
        await tenant.RuleAsync("liked", Tenant.Email("t"), name: "like_mail");
        var user = $"u-{Guid.NewGuid():N}";
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await tenant.EventAsync(user, i % 2 == 0 ? "liked" : "unliked", Now.AddMinutes(-10 + i), traits: new { email = $"{user}@example.com" }));
            await _hub.EvaluateAsync();
            _hub.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await tenant.Api.GetJsonAsync($"/api/v1/audit/{user}?limit=2" + (cursor is null ? string.Empty : $"&cursor={cursor}"));
            Assert.Equal(user, page.Str("user_id"));
            var items = page.GetProperty("decisions").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items);
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(ids.AsEnumerable().Reverse().Select(i => i.ToString()), seen.Select(d => d.Str("event_id")));
        var times = seen.Select(d => d.GetProperty("decision_timestamp").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var first = seen[0];
        Assert.Equal("liked", first.Str("event_type"));
        Assert.Equal("like_mail", first.Str("matched_rule"));
        Assert.Equal("send", first.Str("action_type"));
        Assert.Equal("sent", first.Str("outcome"));
        Assert.Equal("email", first.Str("channel"));
        Assert.Equal("t", first.Str("template_name"));
        Assert.NotNull(first.GetProperty("message_id").GetString());

        var unmatched = await tenant.Api.GetJsonAsync($"/api/v1/audit/{user}?outcome=no_rule_matched");
        Assert.Equal(2, unmatched.GetProperty("decisions").GetArrayLength());
        Assert.Equal(3, (await tenant.Api.GetJsonAsync($"/api/v1/audit/{user}?rule=like_mail")).GetProperty("decisions").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Api.GetAsync($"/api/v1/audit/{user}?outcome=maybe")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Api.GetAsync($"/api/v1/audit/{user}?limit=500")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.Api.GetAsync($"/api/v1/audit/nobody-{Guid.NewGuid():N}")).StatusCode);
        var other = await _hub.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Api.GetAsync($"/api/v1/audit/{user}")).StatusCode);
    }
}
