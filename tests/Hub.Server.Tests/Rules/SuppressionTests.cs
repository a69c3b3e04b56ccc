using Hub.Core.Rules;
using Hub.Server.Auth;
using Hub.Server.Modules.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Rules;

/// <summary>Atomic suppression: the claim is the check, so parallel evaluations cannot both pass a period.</summary>
public sealed class SuppressionTests : IClassFixture<RulesHub>
{
    private readonly RulesHub _hub;

    public SuppressionTests(RulesHub hub) => _hub = hub;

    [Fact]
    public async Task Fifty_parallel_identical_events_send_exactly_one_message()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("welcome", "Welcome {{ contact.first_name }}", "Hello {{ contact.first_name }}!");
        var rule = await tenant.RuleAsync("signup_completed", Tenant.Email("welcome"), new RuleSuppression { Mode = SuppressionMode.OnceEver });
        var user = $"u-{Guid.NewGuid():N}";
        var at = _hub.Clock.GetUtcNow().AddMinutes(-1);
        var ids = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await tenant.EventAsync(user, "signup_completed", at, traits: new { email = $"{user}@example.com", first_name = "Ana" }, clientId: $"{user}-{i}"));
        }

        // 50 engines at once, each in its own scope, as 50 workers on several nodes would.
        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await using var scope = _hub.App.Scope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(tenant.Id);
            await scope.ServiceProvider.GetRequiredService<RuleEngine>().EvaluateAsync(id, CancellationToken.None);
        })));

        var decisions = await tenant.DecisionsAsync(user);
        Assert.Equal(50, decisions.Count);
        Assert.Single(decisions, d => d.Outcome == DecisionOutcome.Sent);
        Assert.Equal(49, decisions.Count(d => d.Outcome == DecisionOutcome.Suppressed));
        Assert.All(decisions.Where(d => d.Outcome == DecisionOutcome.Suppressed), d => Assert.Contains("already sent once ever", d.Reason, StringComparison.Ordinal));
        Assert.Equal(1, await tenant.InAsync(db => db.SuppressionClaims.CountAsync(c => c.RuleId == rule.Id && c.UserId == user)));
        var sent = decisions.Single(d => d.Outcome == DecisionOutcome.Sent);
        Assert.Equal(1, await tenant.InAsync(db => db.Outbox.CountAsync(o => db.Messages.Any(m => m.Id == o.MessageId && m.Address == $"{user}@example.com"))));
        Assert.NotNull(sent.MessageId);
        Assert.Equal(50, await tenant.InAsync(db => db.Events.CountAsync(e => e.UserId == user && e.Evaluation == EventEvaluation.Evaluated)));
    }

    [Fact]
    public async Task Max_three_per_window_sends_exactly_three_of_forty_events_evaluated_by_eight_workers()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("nudge", "Nudge", "Come back");
        await tenant.RuleAsync("cart_abandoned", Tenant.Email("nudge"), new RuleSuppression { Mode = SuppressionMode.MaxPerWindow, Max = 3, Window = "1h" });
        var user = $"u-{Guid.NewGuid():N}";
        var now = _hub.Clock.GetUtcNow();
        var windowStart = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 3600 * 3600);
        var at = windowStart.AddMinutes(1) < now ? windowStart.AddMinutes(1) : windowStart; // all in one window
        for (var i = 0; i < 40; i++)
        {
            await tenant.EventAsync(user, "cart_abandoned", at, traits: new { email = $"{user}@example.com" });
        }

        await _hub.EvaluateAsync(concurrency: 8);

        var decisions = await tenant.DecisionsAsync(user);
        Assert.Equal(40, decisions.Count);
        Assert.Equal(3, decisions.Count(d => d.Outcome == DecisionOutcome.Sent));
        Assert.Equal(37, decisions.Count(d => d.Outcome == DecisionOutcome.Suppressed));
        Assert.Contains("3 of 3 in the 1h window", decisions.First(d => d.Outcome == DecisionOutcome.Suppressed).Reason, StringComparison.Ordinal);
        Assert.Equal(3, await tenant.InAsync(db => db.Messages.CountAsync(m => m.Address == $"{user}@example.com")));
    }

    [Fact]
    public async Task Once_per_calendar_day_follows_the_users_midnight_in_Auckland()
    {
        var tenant = await _hub.NewTenantAsync();
        await tenant.TemplateAsync("daily", "Daily", "Your daily digest");
        await tenant.RuleAsync("digest_ready", Tenant.Email("daily"), new RuleSuppression { Mode = SuppressionMode.OncePerCalendarDay });
        var now = _hub.Clock.GetUtcNow();
        var auckland = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Auckland");

        // Local midnight in Auckland a few days ago, whatever today's offset is.
        var localDay = TimeZoneInfo.ConvertTime(now, auckland).Date.AddDays(-3);
        var midnight = new DateTimeOffset(localDay, auckland.GetUtcOffset(localDay));
        var traits = (string user) => new { email = $"{user}@example.com", timezone = "Pacific/Auckland" };

        // Either side of local midnight: two local days, both sent (they are the same UTC day).
        var across = $"across-{Guid.NewGuid():N}";
        await tenant.EventAsync(across, "digest_ready", midnight.AddMinutes(-30), traits: traits(across));
        await tenant.EventAsync(across, "digest_ready", midnight.AddMinutes(30), traits: traits(across));
        Assert.Equal(midnight.AddMinutes(-30).UtcDateTime.Date, midnight.AddMinutes(30).UtcDateTime.Date);

        // The same local day, morning and late evening: different UTC days, one send.
        var same = $"same-{Guid.NewGuid():N}";
        var morning = midnight.AddHours(-24 + 9);
        var evening = midnight.AddHours(-24 + 22);
        Assert.NotEqual(morning.UtcDateTime.Date, evening.UtcDateTime.Date);
        await tenant.EventAsync(same, "digest_ready", morning, traits: traits(same));
        await tenant.EventAsync(same, "digest_ready", evening, traits: traits(same));

        await _hub.EvaluateAsync();

        Assert.All(await tenant.DecisionsAsync(across), d => Assert.Equal(DecisionOutcome.Sent, d.Outcome));
        var sameDay = await tenant.DecisionsAsync(same);
        Assert.Equal([DecisionOutcome.Sent, DecisionOutcome.Suppressed], sameDay.Select(d => d.Outcome).Order());
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(morning, auckland).DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"already sent on {day} (Pacific/Auckland)", sameDay.Single(d => d.Outcome == DecisionOutcome.Suppressed).Reason, StringComparison.Ordinal);
    }
}
