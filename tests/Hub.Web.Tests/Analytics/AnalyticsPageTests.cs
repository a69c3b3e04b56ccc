using System.Text.Json;
using Bunit;
using Hub.Core.Analytics;
using Hub.Core.Realtime;
using Hub.Web.Features.Analytics;
using Hub.Web.Services;
using Hub.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Web.Tests.Analytics;

public sealed class AnalyticsPageTests : DashboardTestContext
{
    private static readonly DateTimeOffset Day = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    public AnalyticsPageTests()
    {
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<AgentConnection>(sp => _agent ??= new FakeAgentConnection());
        Api.On(HttpMethod.Get, "/api/v1/analytics/alerts", new List<AlertRuleDto>());
        Api.On(HttpMethod.Get, "/api/v1/analytics/alerts/events", new List<AnalyticsAlertMessage>());
    }

    private FakeAgentConnection? _agent;

    private FakeAgentConnection Agent => _agent ?? throw new InvalidOperationException("The page has not asked for the connection yet.");

    [Fact]
    public void The_builder_sends_the_spec_request_and_renders_the_series_as_chart_and_table()
    {
        RenderMudProviders();
        var series = Enumerable.Range(0, 3).Select(i => new SeriesPointDto(Day.AddDays(i), Day.AddDays(i + 1),
            new Dictionary<string, double?> { ["event_count"] = 10 * (i + 1), ["user_count"] = i + 1 })).ToList();
        Api.On(HttpMethod.Post, "/api/v1/analytics/reports", new ReportReplyDto(Guid.NewGuid(), "custom",
            new ReportTimeRangeDto(Day, Day.AddDays(3), "day"),
            new ReportSummaryDto(60, 3, new Dictionary<string, long> { ["user.login"] = 60 }, new TopMetricsDto(0.25, null, null, null)),
            series, [], DateTimeOffset.UtcNow));
        var page = Render<AnalyticsPage>();

        page.Find("input[data-testid=report-event-types]").Change("user.login, purchase.completed");
        page.Find("button[data-testid=report-run]").Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=report-table] tbody tr").Count));
        var (_, body) = Assert.Single(Api.Requests, r => r.Request == "POST /api/v1/analytics/reports" && r.Body!.Contains("user.login", StringComparison.Ordinal));
        using var sent = JsonDocument.Parse(body!);
        var root = sent.RootElement;
        Assert.Equal("custom", root.GetProperty("report_type").GetString());
        Assert.Equal("day", root.GetProperty("time_range").GetProperty("granularity").GetString());
        var today = DateTime.UtcNow.Date;
        Assert.Equal(new DateTimeOffset(today.AddDays(-6), TimeSpan.Zero), root.GetProperty("time_range").GetProperty("start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(today.AddDays(1), TimeSpan.Zero), root.GetProperty("time_range").GetProperty("end").GetDateTimeOffset());
        Assert.Equal(["event_count", "user_count"], root.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["user.login", "purchase.completed"], root.GetProperty("filters").GetProperty("event_types").EnumerateArray().Select(m => m.GetString()));
        Assert.False(root.GetProperty("filters").TryGetProperty("user_ids", out _));

        Assert.Equal("60", page.Find("[data-testid=summary-events]").TextContent);
        Assert.Equal("3", page.Find("[data-testid=summary-users]").TextContent);
        var firstRow = page.Find("[data-testid=report-table] tbody tr").TextContent;
        Assert.Contains("11-24", firstRow);
        Assert.Contains("10", firstRow);
        Assert.NotEmpty(page.FindAll("[data-testid=report-chart] svg path"));
        Assert.Contains("event count", page.Find("[data-testid=report-chart]").TextContent);
    }

    [Fact]
    public void A_validation_problem_from_the_report_api_is_shown()
    {
        RenderMudProviders();
        Api.On(HttpMethod.Post, "/api/v1/analytics/reports", (_, _) => FakeApi.Problem(400, "Invalid", new Dictionary<string, string[]>
        {
            ["time_range"] = ["The window holds more than 5000 minute buckets."],
        }));
        var page = Render<AnalyticsPage>();
        page.Find("button[data-testid=report-run]").Click();
        page.WaitForAssertion(() => Assert.Contains("more than 5000 minute buckets", page.Find("[data-testid=report-problem]").TextContent));
    }

    [Fact]
    public async Task An_analytics_alert_pushed_on_the_hub_appears_without_a_refresh()
    {
        RenderMudProviders();
        var page = Render<AnalyticsPage>();
        page.WaitForAssertion(() => Assert.Contains(RealtimeEventNames.AnalyticsAlert, Agent.Subscribed));
        Assert.Empty(page.FindAll("[data-testid=alert-item]"));

        await Agent.RaiseAsync(RealtimeEventNames.AnalyticsAlert, new AnalyticsAlertMessage(
            Guid.NewGuid(), Guid.NewGuid(), "raised", "threshold", "high", "error_rate", 0.31, 0.1, "15m",
            "Error rate above 10%", "error_rate 0.31 > 0.1 over 15m", DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=alert-item]")));
        var item = page.Find("[data-testid=alert-item]").TextContent;
        Assert.Contains("Error rate above 10%", item);
        Assert.Contains("raised", item);
        Assert.Contains("0.31", item);
    }
}
