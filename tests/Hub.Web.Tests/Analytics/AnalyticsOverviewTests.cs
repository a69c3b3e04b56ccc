using System.Text.Json;
using Bunit;
using Hub.Core.Analytics;
using Hub.Web.Features.Analytics;
using Hub.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace Hub.Web.Tests.Analytics;

public sealed class AnalyticsOverviewTests : DashboardTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);

    public AnalyticsOverviewTests() => Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));

    // Answers each one-type report with a daily series whose total is `perType[type]`, all of it on the last day.
    private void Reports(Dictionary<string, long> perType) =>
        Api.On(HttpMethod.Post, "/api/v1/analytics/reports", (_, body) =>
        {
            using var request = JsonDocument.Parse(body!);
            var type = request.RootElement.GetProperty("filters").GetProperty("event_types")[0].GetString()!;
            var total = perType.GetValueOrDefault(type);
            var start = request.RootElement.GetProperty("time_range").GetProperty("start").GetDateTimeOffset();
            var series = Enumerable.Range(0, 7).Select(d => new SeriesPointDto(start.AddDays(d), start.AddDays(d + 1),
                new Dictionary<string, double?> { ["event_count"] = d == 6 ? total : 0 })).ToList();
            return FakeApi.Json(new ReportReplyDto(Guid.NewGuid(), "custom", new ReportTimeRangeDto(start, start.AddDays(7), "day"),
                new ReportSummaryDto(total, 0, new Dictionary<string, long> { [type] = total }, new TopMetricsDto(null, null, null, null)), series, [], Now));
        });

    private static AnalyticsAlertMessage Alert(string status, DateTimeOffset at) =>
        new(Guid.NewGuid(), Guid.NewGuid(), status, "threshold", "high", "error_rate", 0.3, 0.1, "15m", "Errors", "…", at);

    [Fact]
    public void It_shows_the_last_seven_days_of_messages_campaigns_opens_clicks_and_alerts()
    {
        RenderMudProviders();
        Reports(new() { ["message_received"] = 42, ["message_sent"] = 1234, ["campaign_executed"] = 2, ["notification_opened"] = 310, ["notification_clicked"] = 57 });
        Api.On(HttpMethod.Get, "/api/v1/analytics/alerts/events", new List<AnalyticsAlertMessage>
        {
            Alert("raised", Now.AddDays(-1)), Alert("cleared", Now.AddDays(-1)), Alert("raised", Now.AddDays(-20)),
        });
        var overview = Render<AnalyticsOverview>();

        overview.WaitForAssertion(() => Assert.Equal("42", overview.Find("[data-testid=overview-received]").TextContent));
        Assert.Equal("1,234", overview.Find("[data-testid=overview-sent]").TextContent);
        Assert.Equal("2", overview.Find("[data-testid=overview-campaigns]").TextContent);
        Assert.Equal("310", overview.Find("[data-testid=overview-opens]").TextContent);
        Assert.Equal("57", overview.Find("[data-testid=overview-clicks]").TextContent);
        Assert.Equal("1", overview.Find("[data-testid=overview-alerts]").TextContent); // the cleared one and the old one are not counted

        var requests = Api.Requests.Where(r => r.Request == "POST /api/v1/analytics/reports").Select(r => JsonDocument.Parse(r.Body!).RootElement).ToList();
        Assert.Equal(5, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), r.GetProperty("time_range").GetProperty("start").GetDateTimeOffset());
            Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), r.GetProperty("time_range").GetProperty("end").GetDateTimeOffset());
            Assert.Equal("day", r.GetProperty("time_range").GetProperty("granularity").GetString());
        });

        var chart = overview.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(["Messages received", "Messages sent", "Opens", "Clicks"], chart.ChartSeries.Select(s => s.Name));
        Assert.Equal(1234d, chart.ChartSeries.Single(s => s.Name == "Messages sent").Data.Values[^1]);
        Assert.Equal(7, chart.ChartLabels.Length);
        Assert.Equal("Sat 5", chart.ChartLabels[^1]);
    }

    [Fact]
    public void A_quiet_week_says_so_instead_of_drawing_an_empty_chart()
    {
        RenderMudProviders();
        Reports([]);
        Api.On(HttpMethod.Get, "/api/v1/analytics/alerts/events", new List<AnalyticsAlertMessage>());
        var overview = Render<AnalyticsOverview>();

        overview.WaitForAssertion(() => Assert.Contains("Nothing happened in the last seven days", overview.Find("[data-testid=overview-empty]").TextContent, StringComparison.Ordinal));
        Assert.Empty(overview.FindAll("[data-testid=overview-chart]"));
        Assert.Equal("0", overview.Find("[data-testid=overview-sent]").TextContent);
    }
}
