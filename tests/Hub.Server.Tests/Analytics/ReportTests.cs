using Hub.Data.Analytics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Analytics;
using Hub.Data;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Analytics.AnalyticsApp;

namespace Hub.Server.Tests.Analytics;

public sealed class ReportTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    private static readonly Guid CampaignC = Guid.Parse("0195a000-0000-7000-8000-00000000000c");

    // 8 events across minutes, hours, days, weeks and months (2026-03-02 is a Monday).
    private static readonly AnalyticsRecord[] Seed =
    [
        Event("notification_sent", "2026-03-02T10:00:10Z", "u1", CampaignC),
        Event("notification_sent", "2026-03-02T10:00:40Z", "u2", CampaignC),
        Event("notification_opened", "2026-03-02T10:01:05Z", "u1", CampaignC),
        Event("notification_clicked", "2026-03-02T10:01:30Z", "u1", CampaignC),
        Event("message_failed", "2026-03-02T11:30:00Z", "u3"),
        Event("first_response", "2026-03-02T11:45:00Z", "u3", value: 120),
        Event("first_response", "2026-03-03T09:00:00Z", "u2", value: 60),
        Event("notification_sent", "2026-04-01T00:00:00Z", "u4"),
    ];

    private static readonly string[] AllMetrics = ["event_count", "user_count", "conversion_rate", "engagement_rate", "response_time", "error_rate"];

    /// <summary>Hand-computed: per granularity, the window, its bucket count, the non-empty buckets' metrics, and the summary.</summary>
    public static TheoryData<string, string, string, int, string, string> Cases => new()
    {
        // granularity, start, end, buckets, "bucket=count,users,conversion,engagement,response,error;…", "total,users,conversion,engagement,error,response"
        { "minute", "2026-03-02T10:00:00Z", "2026-03-02T12:00:00Z", 120,
            "2026-03-02T10:00:00Z=2,2,0,0,_,0;2026-03-02T10:01:00Z=2,1,_,_,_,0;2026-03-02T11:30:00Z=1,1,_,_,_,1;2026-03-02T11:45:00Z=1,1,_,_,120,0",
            "6,3,0.5,0.5,0.16666666666666666,120" },
        { "hour", "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z", 48,
            "2026-03-02T10:00:00Z=4,2,0.5,0.5,_,0;2026-03-02T11:00:00Z=2,1,_,_,120,0.5;2026-03-03T09:00:00Z=1,1,_,_,60,0",
            "7,3,0.5,0.5,0.14285714285714285,90" },
        { "day", "2026-03-01T00:00:00Z", "2026-04-02T00:00:00Z", 32,
            "2026-03-02T00:00:00Z=6,3,0.5,0.5,120,0.16666666666666666;2026-03-03T00:00:00Z=1,1,_,_,60,0;2026-04-01T00:00:00Z=1,1,0,0,_,0",
            "8,4,0.3333333333333333,0.3333333333333333,0.125,90" },
        { "week", "2026-03-02T00:00:00Z", "2026-04-06T00:00:00Z", 5,
            "2026-03-02T00:00:00Z=7,3,0.5,0.5,90,0.14285714285714285;2026-03-30T00:00:00Z=1,1,0,0,_,0",
            "8,4,0.3333333333333333,0.3333333333333333,0.125,90" },
        { "month", "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", 2,
            "2026-03-01T00:00:00Z=7,3,0.5,0.5,90,0.14285714285714285;2026-04-01T00:00:00Z=1,1,0,0,_,0",
            "8,4,0.3333333333333333,0.3333333333333333,0.125,90" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Report_matches_hand_computed_figures_and_csv_agrees_with_json(
        string granularity, string start, string end, int bucketCount, string expectedBuckets, string expectedSummary)
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        await app.RecordAsync(workspaceId, Seed);

        var body = new { report_type = "custom", time_range = new { start, end, granularity }, metrics = AllMetrics };
        var reply = await client.PostJsonAsync("/api/v1/analytics/reports", body);

        var series = reply.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(bucketCount, series.Count);
        var expected = expectedBuckets.Split(';').Select(b => b.Split('=')).ToDictionary(b => DateTimeOffset.Parse(b[0], CultureInfo.InvariantCulture), b => b[1].Split(','));
        foreach (var point in series)
        {
            var at = point.GetProperty("start").GetDateTimeOffset();
            var values = point.GetProperty("values");
            if (expected.TryGetValue(at, out var want))
            {
                for (var i = 0; i < AllMetrics.Length; i++)
                {
                    AssertValue(want[i], values.GetProperty(AllMetrics[i]), $"{granularity} {at:O} {AllMetrics[i]}");
                }
            }
            else
            {
                Assert.Equal(0, values.GetProperty("event_count").GetDouble());
                Assert.Equal(0, values.GetProperty("user_count").GetDouble());
            }
        }

        var summary = reply.GetProperty("summary");
        var s = expectedSummary.Split(',');
        Assert.Equal(long.Parse(s[0], CultureInfo.InvariantCulture), summary.GetProperty("total_events").GetInt64());
        Assert.Equal(long.Parse(s[1], CultureInfo.InvariantCulture), summary.GetProperty("unique_users").GetInt64());
        var top = summary.GetProperty("top_metrics");
        AssertValue(s[2], top.GetProperty("conversion_rate"), "conversion");
        AssertValue(s[3], top.GetProperty("engagement_rate"), "engagement");
        AssertValue(s[4], top.GetProperty("error_rate"), "error");
        AssertValue(s[5], top.GetProperty("response_time_avg"), "response");
        Assert.Equal(summary.GetProperty("total_events").GetInt64(), summary.GetProperty("event_types").EnumerateObject().Sum(p => p.Value.GetInt64()));

        // The CSV has the same buckets and the same numbers, in the metrics' order.
        var csvResponse = await client.PostAsJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = new { start, end, granularity }, metrics = AllMetrics, format = "csv" });
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("bucket_start,bucket_end," + string.Join(',', AllMetrics), lines[0]);
        Assert.Equal(series.Count, lines.Length - 1);
        for (var row = 0; row < series.Count; row++)
        {
            var cells = lines[row + 1].Split(',');
            Assert.Equal(series[row].GetProperty("start").GetDateTimeOffset(), DateTimeOffset.Parse(cells[0], CultureInfo.InvariantCulture));
            for (var i = 0; i < AllMetrics.Length; i++)
            {
                var json = series[row].GetProperty("values").GetProperty(AllMetrics[i]);
                Assert.Equal(json.ValueKind == JsonValueKind.Null ? string.Empty : json.GetDouble().ToString("R", CultureInfo.InvariantCulture), cells[i + 2]);
            }
        }
    }

    [Fact]
    public async Task Filters_by_campaign_event_type_and_user_narrow_the_figures()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        await app.RecordAsync(workspaceId, Seed);
        var range = new { start = "2026-03-01T00:00:00Z", end = "2026-03-04T00:00:00Z", granularity = "day" };

        var campaign = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "campaign_effectiveness", time_range = range, filters = new { campaign_ids = new[] { CampaignC } } });
        Assert.Equal(4, campaign.GetProperty("summary").GetProperty("total_events").GetInt64());
        Assert.Equal(2, campaign.GetProperty("summary").GetProperty("unique_users").GetInt64());
        Assert.Equal(0.5, campaign.GetProperty("summary").GetProperty("top_metrics").GetProperty("conversion_rate").GetDouble());

        var sends = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = range, filters = new { event_types = new[] { "notification_sent" } } });
        Assert.Equal(2, sends.GetProperty("summary").GetProperty("total_events").GetInt64());

        var user = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "user_activity", time_range = range, filters = new { user_ids = new[] { "u1" } } });
        Assert.Equal(3, user.GetProperty("summary").GetProperty("total_events").GetInt64());
        Assert.Equal(1, user.GetProperty("summary").GetProperty("unique_users").GetInt64());
    }

    [Fact]
    public async Task Another_workspace_sees_none_of_the_events()
    {
        var (_, workspaceId) = await app.WorkspaceAsync();
        await app.RecordAsync(workspaceId, Seed);
        var (other, _) = await app.WorkspaceAsync();

        var reply = await other.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = new { start = "2026-03-01T00:00:00Z", end = "2026-05-01T00:00:00Z", granularity = "month" } });

        Assert.Equal(0, reply.GetProperty("summary").GetProperty("total_events").GetInt64());
        Assert.Equal(0, reply.GetProperty("summary").GetProperty("unique_users").GetInt64());
    }

    [Theory]
    [InlineData("2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z", "day", "event_count", "time_range.end")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z", "minute", "event_count", "time_range")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z", "fortnight", "event_count", "time_range.granularity")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z", "day", "revenue", "metrics[0]")]
    public async Task A_bad_report_request_is_400_naming_the_field(string start, string end, string granularity, string metric, string field)
    {
        var (client, _) = await app.WorkspaceAsync();

        var response = await client.PostAsJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = new { start, end, granularity }, metrics = new[] { metric } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_report_over_200k_events_reads_the_rollups_not_the_raw_events()
    {
        var (client, workspaceId) = await app.WorkspaceAsync();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            // 30 days × 24 hours × 2 types, 139 events per row: 200,160 events, as the aggregator would have folded them.
            for (var h = 0; h < 30 * 24; h++)
            {
                foreach (var type in new[] { "notification_sent", "notification_opened" })
                {
                    db.AnalyticsRollups.Add(new AnalyticsRollup { WorkspaceId = workspaceId, Granularity = BucketGranularity.Day, BucketStart = Buckets.Floor(start.AddHours(h), BucketGranularity.Day), EventType = $"{type}_{h % 24}", Dimension = "", Count = 139 });
                }
            }

            // Raw events marked as folded but absent from the rollups: a report that scanned raw events would count them.
            for (var i = 0; i < 500; i++)
            {
                db.AnalyticsEvents.Add(new AnalyticsEvent { WorkspaceId = workspaceId, Family = "test", EventType = "notification_sent", Subject = "campaign.analytics.notification_sent", Source = "test", CorrelationId = "x", OccurredAt = start.AddHours(i % 700), RolledUpAt = start, UserId = $"raw{i}" });
            }

            await db.SaveChangesAsync();
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var reply = await client.PostJsonAsync("/api/v1/analytics/reports", new { report_type = "custom", time_range = new { start = "2026-01-01T00:00:00Z", end = "2026-01-31T00:00:00Z", granularity = "week" } });
        watch.Stop();

        Assert.Equal(200_160, reply.GetProperty("summary").GetProperty("total_events").GetInt64());
        Assert.Equal(0, reply.GetProperty("summary").GetProperty("unique_users").GetInt64()); // no raw event's user leaks in
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    private static void AssertValue(string expected, JsonElement actual, string what)
    {
        if (expected == "_")
        {
            Assert.True(actual.ValueKind == JsonValueKind.Null, $"{what}: expected null, got {actual}");
        }
        else
        {
            Assert.True(actual.ValueKind == JsonValueKind.Number, $"{what}: expected {expected}, got {actual}");
            Assert.Equal(double.Parse(expected, CultureInfo.InvariantCulture), actual.GetDouble(), 9);
        }
    }
}
