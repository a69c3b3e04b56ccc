using Hub.Core.Delivery;
using Hub.Core.Notifications;
using Hub.Core.Rules;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Tests.Rules;

/// <summary>The engine asks the user's preferences before acting, and the audit says what they said.</summary>
public sealed class PreferenceDecisionTests : IClassFixture<RulesHub>
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"); // no DST: +09:00 all year
    private readonly RulesHub _hub;

    public PreferenceDecisionTests(RulesHub hub) => _hub = hub;

    [Fact]
    public async Task Quiet_hours_defer_the_send_to_their_end_in_the_users_zone_and_a_security_message_goes_now()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("tips", "Tips", "A tip for you");
        await tenant.TemplateAsync("login", "New sign-in", "Someone signed in");
        await tenant.RuleAsync("tip_due", Tenant.Email("tips"));
        await tenant.RuleAsync("new_login", Tenant.Email("login", category: "security"));
        var user = $"u-{Guid.NewGuid():N}";
        var now = _hub.Clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, Tokyo);
        var start = TimeOnly.FromDateTime(local.DateTime.AddHours(-1));
        var end = TimeOnly.FromDateTime(local.DateTime.AddHours(2));
        end = new TimeOnly(end.Hour, end.Minute);
        var endLocal = local.DateTime.AddHours(2);
        var expected = new DateTimeOffset(endLocal.Year, endLocal.Month, endLocal.Day, endLocal.Hour, endLocal.Minute, 0, TimeSpan.FromHours(9)).ToUniversalTime();

        var tip = await tenant.EventAsync(user, "tip_due", now, traits: new { email = $"{user}@example.com", timezone = "Asia/Tokyo" });
        var login = await tenant.EventAsync(user, "new_login", now, traits: new { email = $"{user}@example.com" });
        await SetPreferencesAsync(tenant, user, p =>
        {
            p.QuietHoursEnabled = true;
            p.QuietHoursStart = new TimeOnly(start.Hour, start.Minute);
            p.QuietHoursEnd = end;
        });
        await _hub.EvaluateAsync();

        var decisions = await tenant.DecisionsAsync(user);
        var deferred = decisions.Single(d => d.EventId == tip);
        Assert.Equal(DecisionOutcome.Deferred, deferred.Outcome);
        Assert.Equal(expected, deferred.ScheduledFor);
        Assert.Contains("Quiet hours", deferred.Reason, StringComparison.Ordinal);
        var critical = decisions.Single(d => d.EventId == login);
        Assert.Equal(DecisionOutcome.Sent, critical.Outcome);
        Assert.Null(critical.ScheduledFor);

        var outbox = await tenant.InAsync(db => db.Outbox.AsNoTracking().ToDictionaryAsync(o => o.MessageId));
        Assert.Equal(expected, outbox[deferred.MessageId!.Value].NextAttemptAt);
        Assert.Equal(now, outbox[critical.MessageId!.Value].NextAttemptAt);

        await _hub.DeliverAsync();
        Assert.Contains(_hub.Envelopes, e => e.MessageId == critical.MessageId);
        Assert.DoesNotContain(_hub.Envelopes, e => e.MessageId == deferred.MessageId);

        var audit = await tenant.Api.GetJsonAsync($"/api/v1/audit/{user}");
        var items = audit.GetProperty("decisions").EnumerateArray().ToList();
        var deferredItem = items.Single(i => i.Str("event_id") == tip.ToString());
        Assert.Equal("deferred", deferredItem.Str("outcome"));
        Assert.Equal(expected, deferredItem.GetProperty("scheduled_for").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_marketing_opt_out_skips_the_message_and_the_audit_says_why()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("promo", "Sale", "50% off");
        await tenant.RuleAsync("browsed", Tenant.Email("promo", category: "marketing"), name: "black_friday");
        var user = $"u-{Guid.NewGuid():N}";
        await tenant.EventAsync(user, "browsed", _hub.Clock.GetUtcNow(), traits: new { email = $"{user}@example.com" });
        await SetPreferencesAsync(tenant, user, p => p.Categories["marketing"] = false);
        await _hub.EvaluateAsync();

        var audit = await tenant.Api.GetJsonAsync($"/api/v1/audit/{user}");
        var decision = Assert.Single(audit.GetProperty("decisions").EnumerateArray());
        Assert.Equal("skipped_by_preference", decision.Str("outcome"));
        Assert.Equal("black_friday", decision.Str("matched_rule"));
        Assert.Equal("email", decision.Str("channel"));
        Assert.Equal("promo", decision.Str("template_name"));
        Assert.Contains("opted out of 'marketing'", decision.Str("reason"), StringComparison.Ordinal);
        Assert.Equal(0, await tenant.InAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task Email_turned_off_blocks_the_send_with_no_outbox_row_and_releases_no_claim()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("receipt", "Receipt", "Thanks for paying");
        var rule = await tenant.RuleAsync("payment_succeeded", Tenant.Email("receipt"), new RuleSuppression { Mode = SuppressionMode.OnceEver });
        var user = $"u-{Guid.NewGuid():N}";
        await tenant.EventAsync(user, "payment_succeeded", _hub.Clock.GetUtcNow(), traits: new { email = $"{user}@example.com" });
        await SetPreferencesAsync(tenant, user, p => p.EmailEnabled = false);
        await _hub.EvaluateAsync();

        var decision = Assert.Single(await tenant.DecisionsAsync(user));
        Assert.Equal(DecisionOutcome.SkippedByPreference, decision.Outcome);
        Assert.Equal("The user turned email off in their preferences.", decision.Reason);
        Assert.Equal(0, await tenant.InAsync(db => db.Outbox.CountAsync()));
        Assert.Equal(0, await tenant.InAsync(db => db.SuppressionClaims.CountAsync(c => c.RuleId == rule.Id)));

        // Turned back on: the once-ever message was never sent, so the next event sends it.
        await SetPreferencesAsync(tenant, user, p => p.EmailEnabled = true);
        await tenant.EventAsync(user, "payment_succeeded", _hub.Clock.GetUtcNow(), traits: new { email = $"{user}@example.com" });
        await _hub.EvaluateAsync();
        Assert.Contains(await tenant.DecisionsAsync(user), d => d.Outcome == DecisionOutcome.Sent);
    }

    [Fact]
    public async Task A_push_in_quiet_hours_is_held_back_until_they_end()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("shipped", "Shipped", "Order {{ data.order_id }} is on its way");
        await tenant.RuleAsync("order_shipped", new RuleAction { Type = RuleActionType.Push, Template = "shipped" });
        var user = $"u-{Guid.NewGuid():N}";
        var now = _hub.Clock.GetUtcNow();
        await tenant.EventAsync(user, "order_shipped", now, properties: new { order_id = "A-17" }, traits: new { timezone = "UTC" });
        var hour = TimeOnly.FromDateTime(now.UtcDateTime);
        await SetPreferencesAsync(tenant, user, p =>
        {
            p.QuietHoursEnabled = true;
            p.QuietHoursStart = new TimeOnly(hour.Hour, 0);
            p.QuietHoursEnd = new TimeOnly(hour.Hour, 0).AddHours(3);
        });
        await _hub.EvaluateAsync();

        var decision = Assert.Single(await tenant.DecisionsAsync(user));
        Assert.Equal(DecisionOutcome.Deferred, decision.Outcome);
        Assert.Equal("push", decision.Channel);
        var notification = await tenant.InAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == decision.NotificationId));
        Assert.Equal("Order A-17 is on its way", notification.Body);
        Assert.Equal(decision.ScheduledFor, notification.DeliverAfter);
        Assert.True(notification.DeliverAfter > now);
    }

    private static Task SetPreferencesAsync(Tenant tenant, string userId, Action<NotificationPreferences> change) =>
        tenant.InAsync(async db =>
        {
            var contactId = await db.Contacts.Where(c => c.ExternalId == userId).Select(c => c.Id).SingleAsync();
            var preferences = await db.NotificationPreferences.FirstOrDefaultAsync(p => p.ContactId == contactId);
            if (preferences is null)
            {
                preferences = new NotificationPreferences { ContactId = contactId };
                db.NotificationPreferences.Add(preferences);
            }

            change(preferences);
            await db.SaveChangesAsync();
        });
}
