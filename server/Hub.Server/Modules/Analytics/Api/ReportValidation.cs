using Hub.Core.Analytics;
using Hub.Core.Campaigns;

namespace Hub.Server.Modules.Analytics.Api;

/// <summary>Turns a report request into a <see cref="ReportQuery"/>, or field-named errors.</summary>
public static class ReportValidation
{
    private static readonly string[] ReportTypes = ["user_activity", "notification_performance", "campaign_effectiveness", "system_health", "custom"];

    public static (ReportQuery? Query, Dictionary<string, string[]>? Errors) Validate(ReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var reportType = request.ReportType ?? "custom";
        if (!ReportTypes.Contains(reportType))
        {
            errors["report_type"] = [$"report_type must be one of {string.Join(", ", ReportTypes)}."];
        }

        ReportGranularity granularity = default;
        if (request.TimeRange is not { } range)
        {
            errors["time_range"] = ["time_range is required."];
        }
        else
        {
            if (range.Start is null)
            {
                errors["time_range.start"] = ["time_range.start is required."];
            }

            if (range.End is null)
            {
                errors["time_range.end"] = ["time_range.end is required."];
            }
            else if (range.Start is { } s && range.End <= s)
            {
                errors["time_range.end"] = ["time_range.end must be after time_range.start."];
            }

            if (!TryParseLower(range.Granularity, out granularity))
            {
                errors["time_range.granularity"] = ["time_range.granularity must be minute, hour, day, week or month."];
            }
            else if (range is { Start: { } start, End: { } end } && end > start)
            {
                var from = Buckets.Floor(start, granularity);
                var to = Buckets.Ceiling(end, granularity);
                var max = Buckets.MaxBuckets(granularity);
                if (Buckets.Count(from, to, granularity, max) > max)
                {
                    errors["time_range"] = [$"The window is too large for granularity {range.Granularity}: at most {max} buckets."];
                }
            }
        }

        var metrics = request.Metrics is { Count: > 0 } asked ? asked : [.. AnalyticsMetrics.Report];
        for (var i = 0; i < metrics.Count; i++)
        {
            if (!AnalyticsMetrics.Report.Contains(metrics[i]))
            {
                errors[$"metrics[{i}]"] = [$"Unknown metric '{metrics[i]}': use {string.Join(", ", AnalyticsMetrics.Report)}."];
            }
        }

        var format = request.Format ?? "json";
        if (format is not ("json" or "csv"))
        {
            errors["format"] = [format == "pdf" ? "format pdf is not supported: use json or csv." : "format must be json or csv."];
        }

        var filters = request.Filters ?? new ReportFilters();
        var named = new List<string>();
        var saved = new List<(string, Guid)>();
        var unknown = new List<(string, string)>();
        void Segment(string? value, string field)
        {
            if (value is not null && NamedSegments.IsKnown(value))
            {
                named.Add(value);
            }
            else if (Guid.TryParse(value, out var id))
            {
                saved.Add((field, id));
            }
            else
            {
                unknown.Add((field, value ?? string.Empty));
            }
        }

        for (var i = 0; i < (filters.UserSegments?.Count ?? 0); i++)
        {
            Segment(filters.UserSegments![i], $"filters.user_segments[{i}]");
        }

        if (filters.Segment is not null)
        {
            Segment(filters.Segment, "filters.segment");
        }

        if (named.Count + saved.Count + unknown.Count > 100)
        {
            errors["filters.user_segments"] = ["Give at most 100 segments."];
        }

        if (filters.EventTypes is { } types && types.Any(string.IsNullOrWhiteSpace))
        {
            errors["filters.event_types"] = ["Event types must not be empty."];
        }

        if (filters.UserIds is { } userIds && (userIds.Count > 1000 || userIds.Any(string.IsNullOrWhiteSpace)))
        {
            errors["filters.user_ids"] = ["Give at most 1000 non-empty user ids."];
        }

        if (filters.CampaignIds is { Count: > 1000 })
        {
            errors["filters.campaign_ids"] = ["Give at most 1000 campaign ids."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var dims = filters.CampaignIds is { Count: > 0 } campaigns
            ? campaigns.Distinct().Select(AnalyticsDimensions.Campaign).ToList()
            : [AnalyticsDimensions.All];
        return (new ReportQuery(
            request.ReportId ?? Guid.NewGuid(),
            reportType,
            Buckets.Floor(request.TimeRange!.Start!.Value, granularity),
            Buckets.Ceiling(request.TimeRange.End!.Value, granularity),
            granularity,
            [.. metrics.Distinct()],
            dims,
            filters.EventTypes is { Count: > 0 } et ? et.ToHashSet(StringComparer.Ordinal) : null,
            filters.UserIds is { Count: > 0 } u ? u : null,
            format == "csv")
        {
            // all_users among them means everyone: no restriction (and the plain rollups answer).
            Segments = named.Count + saved.Count + unknown.Count == 0 ? null : new ReportSegments([.. named.Distinct()], saved, unknown),
        }, null);
    }

    private static bool TryParseLower(string? value, out ReportGranularity granularity)
    {
        granularity = default;
        return value is "minute" or "hour" or "day" or "week" or "month" && Enum.TryParse(value, ignoreCase: true, out granularity);
    }
}
