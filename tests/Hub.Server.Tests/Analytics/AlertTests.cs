using Hub.Data.Analytics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Data;
using Hub.Server.Modules.Analytics;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Analytics.AnalyticsApp;

namespace Hub.Server.Tests.Analytics;

public sealed class AlertTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    [Fact]
    public async Task A_threshold_alert_fires_once_while_breached_and_clears_once_when_back_under()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        var rule = await client.PostJsonAsync("/api/v1/analytics/alerts", new
        {
            name = "Failures", metric = "event_count", comparison = "gt", threshold = 2, window = "15m",
            filter = new { event_type = "message_failed" }, severity = "high",
        });
        var ruleId = rule.GetProperty("id").GetGuid();
        var evaluator = app.Services.GetRequiredService<AlertEvaluator>();
        var now = app.Clock.GetUtcNow();
        var at = now.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        await app.RecordAsync(workspaceId, Event("message_failed", at, "u1"), Event("message_failed", at, "u2"), Event("message_failed", at, "u3"), Event("message_sent", at, "u4"));

        var first = (await evaluator.RunOnceAsync(CancellationToken.None)).Where(m => m.RuleId == ruleId).ToList();
        var again = (await evaluator.RunOnceAsync(CancellationToken.None)).Where(m => m.RuleId == ruleId).ToList();
        app.Clock.Advance(TimeSpan.FromMinutes(20)); // the failures slide out of the 15-minute window
        var cleared = (await evaluator.RunOnceAsync(CancellationToken.None)).Where(m => m.RuleId == ruleId).ToList();
        var afterClear = (await evaluator.RunOnceAsync(CancellationToken.None)).Where(m => m.RuleId == ruleId).ToList();

        var raised = Assert.Single(first);
        Assert.Equal(("raised", "threshold_exceeded", "high", 3d, 2d, "15m"), (raised.Status, raised.AlertType, raised.Severity, raised.CurrentValue, raised.Threshold, raised.TimeWindow));
        Assert.Empty(again);
        var clear = Assert.Single(cleared);
        Assert.Equal(("cleared", raised.AlertId, 0d), (clear.Status, clear.AlertId, clear.CurrentValue));
        Assert.Empty(afterClear);

        var listed = (await client.GetJsonAsync("/api/v1/analytics/alerts/events")).EnumerateArray().ToList();
        Assert.Equal(["cleared", "raised"], listed.Select(e => e.GetProperty("status").GetString()));
        Assert.All(listed, e => Assert.Equal(raised.AlertId, e.GetProperty("alert_id").GetGuid()));
    }

    [Fact]
    public async Task A_subscription_to_analytics_alerts_gets_a_delivery_when_an_alert_is_raised_and_when_it_clears()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        var hook = await client.PostJsonAsync("/api/v1/webhooks", new { url = "https://example.com/alerts", subjects = new[] { "analytics.alert.*" } });
        var hookId = hook.GetProperty("id").GetGuid();
        var rule = await client.PostJsonAsync("/api/v1/analytics/alerts", new
        {
            name = "Bounces", metric = "event_count", comparison = "gt", threshold = 1, window = "15m", filter = new { event_type = "message_bounced" },
        });
        var ruleId = rule.GetProperty("id").GetGuid();
        var at = app.Clock.GetUtcNow().AddMinutes(-2).ToString("O", CultureInfo.InvariantCulture);
        await app.RecordAsync(workspaceId, Event("message_bounced", at, "u1"), Event("message_bounced", at, "u2"));
        var evaluator = app.Services.GetRequiredService<AlertEvaluator>();

        var raised = Assert.Single(await evaluator.RunOnceAsync(CancellationToken.None), m => m.RuleId == ruleId);
        await evaluator.RunOnceAsync(CancellationToken.None); // still breached: no second delivery
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await evaluator.RunOnceAsync(CancellationToken.None);

        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var deliveries = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => d.SubscriptionId == hookId).OrderBy(d => d.CreatedAt).ToListAsync();
        Assert.Equal(["analytics.alert.raised", "analytics.alert.cleared"], deliveries.Select(d => d.Subject));
        var data = JsonDocument.Parse(deliveries[0].Payload).RootElement.GetProperty("data");
        Assert.Equal((raised.AlertId, ruleId, "raised", 2d), (data.GetProperty("alert_id").GetGuid(), data.GetProperty("rule_id").GetGuid(), data.GetProperty("status").GetString(), data.GetProperty("current_value").GetDouble()));
        Assert.Equal("cleared", JsonDocument.Parse(deliveries[1].Payload).RootElement.GetProperty("data").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_anomaly_alert_fires_when_the_window_leaves_the_trailing_baseline()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        await client.PostJsonAsync("/api/v1/analytics/alerts", new { name = "Spike", kind = "anomaly", metric = "event_count", window = "5m", baseline_windows = 4, sensitivity = 2 });
        var now = app.Clock.GetUtcNow();
        var records = new List<Hub.Data.Analytics.AnalyticsRecord>();
        for (var w = 1; w <= 4; w++)
        {
            // baseline windows: 2, 3, 2, 3 events
            for (var i = 0; i < 2 + (w % 2); i++)
            {
                records.Add(Event("custom_event", now.AddMinutes(-5 * w - 1).ToString("O", CultureInfo.InvariantCulture), $"b{w}{i}"));
            }
        }

        for (var i = 0; i < 20; i++)
        {
            records.Add(Event("custom_event", now.ToString("O", CultureInfo.InvariantCulture), $"spike{i}"));
        }

        await app.RecordAsync(workspaceId, [.. records]);

        var produced = await app.Services.GetRequiredService<AlertEvaluator>().RunOnceAsync(CancellationToken.None);

        var alert = Assert.Single(produced, m => m.Title.StartsWith("Spike", StringComparison.Ordinal));
        Assert.Equal("anomaly_detected", alert.AlertType);
        Assert.Equal(20, alert.CurrentValue);
        Assert.Equal(3.5, alert.Threshold, 6); // mean 2.5 + 2 × stddev 0.5
    }

    [Theory]
    [InlineData("metric", "{\"name\":\"x\",\"metric\":\"revenue\",\"threshold\":1,\"window\":\"15m\"}")]
    [InlineData("window", "{\"name\":\"x\",\"metric\":\"error_rate\",\"threshold\":1,\"window\":\"2d\"}")]
    [InlineData("threshold", "{\"name\":\"x\",\"metric\":\"error_rate\",\"window\":\"15m\"}")]
    public async Task A_bad_alert_rule_is_400_naming_the_field(string field, string json)
    {
        var (client, _) = await app.WorkspaceAsync();

        var response = await client.PostAsync("/api/v1/analytics/alerts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_customer_event_is_recorded_with_the_envelope_and_counted_in_reports()
    {
        var (client, _) = await app.WorkspaceAsync();
        var at = new DateTimeOffset(2026, 2, 10, 8, 30, 0, TimeSpan.Zero);
        await client.PostJsonAsync("/api/v1/events", new { user_id = "cust-1", event_type = "order_placed", event_timestamp = at });
        await app.Services.GetRequiredService<AnalyticsAggregator>().RunOnceAsync(CancellationToken.None);

        var reply = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "user_activity", time_range = new { start = "2026-02-10T08:00:00Z", end = "2026-02-10T09:00:00Z", granularity = "hour" }, filters = new { user_ids = new[] { "cust-1" } } });

        Assert.Equal(1, reply.GetProperty("summary").GetProperty("event_types").GetProperty("order_placed").GetInt64());
        Assert.Equal(1, reply.GetProperty("summary").GetProperty("unique_users").GetInt64());
    }
}
