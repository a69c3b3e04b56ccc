using System.Globalization;
using Hub.Server.Modules.Analytics;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Analytics;

/// <summary>Folds what was recorded and asks the reports API how many events of each type a workspace has around a moment.</summary>
public static class AnalyticsReportProbe
{
    public static async Task<Dictionary<string, long>> EventCountsAsync(HubApp app, HttpClient client, DateTimeOffset around)
    {
        await app.Services.GetRequiredService<AnalyticsAggregator>().RunOnceAsync(CancellationToken.None);
        var start = around.UtcDateTime.Date.AddDays(-1).ToString("O", CultureInfo.InvariantCulture);
        var end = around.UtcDateTime.Date.AddDays(2).ToString("O", CultureInfo.InvariantCulture);
        var reply = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = new { start, end, granularity = "day" }, metrics = new[] { "event_count" } });
        return reply.GetProperty("summary").GetProperty("event_types").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }
}
