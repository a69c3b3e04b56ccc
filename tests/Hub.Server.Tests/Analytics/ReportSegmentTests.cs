using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Core.Campaigns;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Server.Tests.Analytics.AnalyticsApp;

namespace Hub.Server.Tests.Analytics;

/// <summary>Report filters by named and saved segments, against hand-computed figures.</summary>
public sealed class ReportSegmentTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    private static readonly string[] Metrics = ["event_count", "user_count", "conversion_rate", "engagement_rate"];

    /// <summary>
    /// Contacts: A premium, French; B free, French; C no plan (free), English, known to the customer as ext-c (its
    /// events carry that id); D premium but deactivated (in no segment). Plus events of a stranger Hub has no contact for.
    /// </summary>
    private async Task<(HttpClient Client, Guid Workspace, Guid French)> SeedAsync()
    {
        var (client, workspace) = await app.WorkspaceAsync();
        var (a, b, d, french) = await InAsync(workspace, async db =>
        {
            var now = app.Clock.GetUtcNow();
            Contact Make(string? plan, string language, bool active = true, string? external = null) => new()
            {
                Email = $"{Guid.NewGuid():N}@example.com", Language = language, IsActive = active, ExternalId = external, CreatedAt = now.AddDays(-100), UpdatedAt = now,
                Attributes = plan is null ? [] : new() { ["plan"] = JsonSerializer.SerializeToElement(plan) },
            };
            var (ca, cb, cc, cd) = (Make("premium", "fr"), Make("free", "fr"), Make(null, "en", external: "ext-c"), Make("pro", "fr", active: false));
            db.Contacts.AddRange(ca, cb, cc, cd);
            var segment = new Segment { Name = "French", Filter = new SegmentFilter { Language = ["fr"] }, CreatedAt = now, UpdatedAt = now };
            db.Segments.Add(segment);
            await db.SaveChangesAsync();
            return (ca.Id.ToString(), cb.Id.ToString(), cd.Id.ToString(), segment.Id);
        });

        await app.RecordAsync(workspace,
            Event("notification_sent", "2026-03-02T10:00:00Z", a),
            Event("notification_opened", "2026-03-02T10:05:00Z", a),
            Event("notification_sent", "2026-03-02T10:10:00Z", b),
            Event("notification_sent", "2026-03-02T11:00:00Z", "ext-c"),
            Event("notification_clicked", "2026-03-02T11:10:00Z", "ext-c"),
            Event("notification_sent", "2026-03-02T12:00:00Z", d),
            Event("notification_sent", "2026-03-02T12:30:00Z", "stranger"));
        return (client, workspace, french);
    }

    private async Task<T> InAsync<T>(Guid workspace, Func<HubDbContext, Task<T>> work)
    {
        await using var scope = app.Scope();
        scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspace);
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    private static object Body(object filters, string format = "json") => new
    {
        report_type = "user_activity",
        time_range = new { start = "2026-03-02T10:00:00Z", end = "2026-03-02T13:00:00Z", granularity = "hour" },
        metrics = Metrics,
        filters,
        format,
    };

    [Fact]
    public async Task A_segment_filter_counts_only_the_events_of_the_segments_contacts_and_csv_agrees()
    {
        var (client, _, french) = await SeedAsync();

        // premium_users: A only (D is deactivated) → A's sent + opened at 10:xx: 2 events, 1 user, engagement 1/1, conversion 0/1.
        var premium = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { user_segments = new[] { "premium_users" } }));
        AssertSummary(premium, 2, 1, 0, 1);
        AssertBuckets(premium, "2026-03-02T10:00:00Z=2,1,0,1");

        // free_users: B (plan free) and C (no plan, events under ext-c) → B sent at 10:10; C sent and clicked at 11:xx:
        // 3 events, 2 users, conversion 1/2, engagement 0/2.
        var free = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { segment = "free_users" }));
        AssertSummary(free, 3, 2, 0.5, 0);
        AssertBuckets(free, "2026-03-02T10:00:00Z=1,1,0,0", "2026-03-02T11:00:00Z=2,1,1,0");

        // The saved segment "French" (language fr): A and B (D deactivated) → 3 events at 10:xx, 2 users, conversion 0/2, engagement 1/2.
        var saved = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { user_segments = new[] { french.ToString() } }));
        AssertSummary(saved, 3, 2, 0, 0.5);
        AssertBuckets(saved, "2026-03-02T10:00:00Z=3,2,0,0.5");

        // Any of several: premium or free → A, B, C: 5 events, 3 users, sent 3: conversion 1/3, engagement 1/3.
        var either = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { user_segments = new[] { "premium_users", "free_users" } }));
        AssertSummary(either, 5, 3, 1.0 / 3, 1.0 / 3);

        // A segment and user ids: only the users in both (ext-c is C, who is free; A is not free).
        var both = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { segment = "free_users", user_ids = new[] { "ext-c", "stranger" } }));
        AssertSummary(both, 2, 1, 1, 0);

        // all_users: everyone, the stranger and the deactivated contact included → 7 events, 5 users, sent 5.
        var all = await client.PostJsonAsync("/api/v1/analytics/reports", Body(new { user_segments = new[] { "all_users" } }));
        AssertSummary(all, 7, 5, 0.2, 0.2);

        var csv = await client.PostAsJsonAsync("/api/v1/analytics/reports", Body(new { segment = "free_users" }, "csv"));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("bucket_start,bucket_end," + string.Join(',', Metrics), lines[0]);
        var series = free.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(series.Count, lines.Length - 1);
        for (var i = 0; i < series.Count; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(series[i].GetProperty("start").GetDateTimeOffset(), DateTimeOffset.Parse(cells[0], CultureInfo.InvariantCulture));
            for (var m = 0; m < Metrics.Length; m++)
            {
                var json = series[i].GetProperty("values").GetProperty(Metrics[m]);
                Assert.Equal(json.ValueKind == JsonValueKind.Null ? string.Empty : json.GetDouble().ToString("R", CultureInfo.InvariantCulture), cells[m + 2]);
            }
        }
    }

    [Fact]
    public async Task An_unknown_segment_or_another_workspaces_saved_segment_is_422_naming_the_field()
    {
        var (client, _, _) = await SeedAsync();
        var (_, _, othersSegment) = await SeedAsync();

        foreach (var (filters, field) in new (object, string)[]
        {
            (new { user_segments = new[] { "premium_users", "vip_users" } }, "filters.user_segments[1]"),
            (new { segment = "nope" }, "filters.segment"),
            (new { segment = Guid.NewGuid().ToString() }, "filters.segment"),
            (new { user_segments = new[] { othersSegment.ToString() } }, "filters.user_segments[0]"),
        })
        {
            var response = await client.PostAsJsonAsync("/api/v1/analytics/reports", Body(filters));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} in {problem}");
        }
    }

    private static void AssertSummary(JsonElement reply, long events, long users, double? conversion, double? engagement)
    {
        var summary = reply.GetProperty("summary");
        Assert.Equal(events, summary.GetProperty("total_events").GetInt64());
        Assert.Equal(users, summary.GetProperty("unique_users").GetInt64());
        Near(conversion, Number(summary.GetProperty("top_metrics").GetProperty("conversion_rate")));
        Near(engagement, Number(summary.GetProperty("top_metrics").GetProperty("engagement_rate")));
    }

    /// <summary>Non-empty buckets as "start=events,users,conversion,engagement"; every other bucket has no events.</summary>
    private static void AssertBuckets(JsonElement reply, params string[] expected)
    {
        var want = expected.Select(e => e.Split('=')).ToDictionary(e => DateTimeOffset.Parse(e[0], CultureInfo.InvariantCulture), e => e[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        foreach (var point in reply.GetProperty("series").EnumerateArray())
        {
            var values = point.GetProperty("values");
            var at = point.GetProperty("start").GetDateTimeOffset();
            if (want.TryGetValue(at, out var w))
            {
                for (var i = 0; i < Metrics.Length; i++)
                {
                    Near(w[i], Number(values.GetProperty(Metrics[i])));
                }
            }
            else
            {
                Assert.Equal(0, values.GetProperty("event_count").GetDouble());
            }
        }
    }

    private static void Near(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, 9);
        }
    }

    private static double? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
