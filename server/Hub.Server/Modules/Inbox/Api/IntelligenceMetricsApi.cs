using System.Text.Json;
using Hub.Intelligence;
using Hub.Intelligence.Evaluation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>One class's held-out figures.</summary>
public sealed record ClassFigures(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// What the evaluation written beside a loaded model (<c>&lt;model&gt;-metrics.json</c>, made by <c>hub-intelligence train</c>
/// or <c>evaluate</c>) measured. <c>report_found</c> false means the model has no report next to it, and every figure is null.
/// </summary>
public sealed record ModelMetricsResponse(
    string Kind,
    string ModelFile,
    bool ReportFound,
    string? Data,
    int? TestCount,
    double? Accuracy,
    double? MacroF1,
    string? BaselineName,
    double? BaselineAccuracy,
    double? BaselineMacroF1,
    IReadOnlyList<ClassFigures> PerClass,
    double? UnknownThreshold,
    double? AnsweredFraction,
    double? OutOfScopeUnknownRate,
    double? LatencyP50Microseconds);

/// <summary>The figures of the classifiers this Hub has loaded.</summary>
public sealed record IntelligenceMetricsResponse(IReadOnlyList<ModelMetricsResponse> Models);

/// <summary>
/// <c>GET /api/v1/classification/metrics</c> (admins): the sentiment and intent models' held-out evaluation, read from
/// the reports beside the model files Hub loaded (nothing is computed or invented here).
/// </summary>
public static class IntelligenceMetricsApi
{
    internal static async Task<Ok<IntelligenceMetricsResponse>> GetAsync(IOptions<IntelligenceOptions> options, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var models = new List<ModelMetricsResponse>
        {
            await ReadAsync("sentiment", o.SentimentModelPath, cancellationToken),
            await ReadAsync("intent", o.IntentModelPath, cancellationToken),
        };
        return TypedResults.Ok(new IntelligenceMetricsResponse(models));
    }

    /// <summary>The report path of a model: <c>models/intent.zip</c> → <c>models/intent-metrics.json</c>.</summary>
    public static string ReportPathOf(string modelPath)
    {
        var resolved = IntelligencePaths.ResolveModel(modelPath);
        return Path.Combine(Path.GetDirectoryName(resolved) ?? ".", Path.GetFileNameWithoutExtension(resolved) + "-metrics.json");
    }

    private static async Task<ModelMetricsResponse> ReadAsync(string kind, string modelPath, CancellationToken cancellationToken)
    {
        var file = Path.GetFileName(modelPath);
        var reportPath = ReportPathOf(modelPath);
        MetricsReport? report = null;
        if (File.Exists(reportPath))
        {
            try
            {
                await using var stream = File.OpenRead(reportPath);
                report = await JsonSerializer.DeserializeAsync<MetricsReport>(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException)
            {
                report = null;
            }
        }

        if (report is null)
        {
            return new ModelMetricsResponse(kind, file, false, null, null, null, null, null, null, null, [], null, null, null, null);
        }

        return new ModelMetricsResponse(
            kind, file, true, report.Data, report.TestCount, report.Metrics.Accuracy, report.Metrics.MacroF1,
            report.BaselineName, report.Baseline?.Accuracy, report.Baseline?.MacroF1,
            [.. report.Metrics.PerClass.Select(c => new ClassFigures(c.Label, c.Precision, c.Recall, c.F1, c.Support))],
            report.Unknown?.Threshold, report.Unknown?.AnsweredFraction, report.Unknown?.OutOfScopeUnknownRate,
            report.Latency?.P50Microseconds);
    }
}
