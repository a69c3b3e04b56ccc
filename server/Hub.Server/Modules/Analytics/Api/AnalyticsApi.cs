using System.Text;
using Hub.Server.Modules.Analytics;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Server.Modules.Analytics.Api;

/// <summary><c>/api/v1/analytics</c>: reports, alert rules and alert events, inbox metrics.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/analytics").WithTags("Analytics").RequireAuthorization();
        group.MapPost("/reports", ReportAsync).WithName("AnalyticsReport");
        group.MapGet("/inbox", InboxMetricsApi.GetAsync).WithName("InboxMetrics");
        AlertsApi.Map(group);
        return app;
    }

    internal static async Task<Results<Ok<ReportReply>, PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ReportAsync(
        ReportRequest request, AnalyticsReports reports, CancellationToken cancellationToken)
    {
        var (query, errors) = ReportValidation.Validate(request);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors!);
        }

        if (query.Segments is { } segments && await reports.UnknownSegmentsAsync(segments, cancellationToken) is { Count: > 0 } unknown)
        {
            return Problems.Unprocessable(unknown, "A segment filter names no segment of this workspace.");
        }

        var reply = await reports.RunAsync(query, cancellationToken);
        if (!query.Csv)
        {
            return TypedResults.Ok(reply);
        }

        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await foreach (var line in AnalyticsReports.CsvLines(reply, query.Metrics))
            {
                await writer.WriteAsync(line + "\n");
                await writer.FlushAsync();
            }
        }, "text/csv", $"report-{query.ReportId:N}.csv");
    }
}
