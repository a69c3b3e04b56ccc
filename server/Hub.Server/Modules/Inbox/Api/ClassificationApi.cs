using System.ComponentModel.DataAnnotations;
using System.Text;
using Hub.Core.Inbox;
using Hub.Core.Intelligence;
using Hub.Core.Realtime;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Modules.Inbox.Api;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Inbox.Api;

/// <summary>Text to classify.</summary>
public sealed record ClassifyRequest([property: Required, MinLength(1), MaxLength(10_000)] string Text);

/// <summary>Sentiment and intent of a text.</summary>
public sealed record ClassifyResponse(SentimentResult Sentiment, IntentResult Intent);

/// <summary>An agent's correction of a message's labels; either or both.</summary>
public sealed record CorrectClassificationRequest(
    [property: RegularExpression("^(negative|neutral|positive)$", ErrorMessage = "sentiment_label is negative, neutral or positive.")] string? SentimentLabel,
    [property: MaxLength(100)] string? Intent);

/// <summary>
/// <c>POST /api/v1/classify</c> for API users; corrections of a message's labels by agents (kept as training rows);
/// and the corrections as a <c>text,label</c> CSV for the next training run (<c>train … --extra file.csv</c>).
/// </summary>
public static class ClassificationApi
{
    public static IEndpointRouteBuilder MapClassificationApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/classify", Classify).WithTags("Intelligence").RequireAuthorization();
        app.MapPut("/api/v1/messages/{id:guid}/classification", CorrectAsync).WithTags("Intelligence").RequireAuthorization(HubPolicies.Inbox);
        app.MapGet("/api/v1/classification/corrections", ExportAsync).WithTags("Intelligence").RequireAuthorization(HubPolicies.Admin);
        app.MapGet("/api/v1/classification/metrics", IntelligenceMetricsApi.GetAsync).WithTags("Intelligence").RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static Ok<ClassifyResponse> Classify(ClassifyRequest request, ISentimentClassifier sentiment, IIntentClassifier intents) =>
        TypedResults.Ok(new ClassifyResponse(sentiment.Classify(request.Text), intents.Classify(request.Text)));

    internal static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> CorrectAsync(
        Guid id, CorrectClassificationRequest request, HubDbContext db, UnitOfWork work, IWorkspaceContext workspace, IIntentClassifier intents,
        RealtimeBatch realtime, HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.SentimentLabel is null && request.Intent is null)
        {
            return Problems.Invalid("intent", "Give sentiment_label, intent or both.");
        }

        if (request.Intent is { } intent && intent != IntentResult.UnknownIntent && !intents.Intents.Contains(intent))
        {
            return Problems.Invalid("intent", $"'{intent}' is not an intent of the model.");
        }

        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null)
        {
            return Problems.NotFound("Message");
        }

        if (message.Direction != MessageDirection.Inbound)
        {
            return Problems.Invalid("id", "Only a customer's messages are classified.");
        }

        var now = clock.GetUtcNow();
        var by = ConversationsApi.MemberId(http);
        if (request.SentimentLabel is { } label && label != message.SentimentLabel)
        {
            db.ClassificationCorrections.Add(new ClassificationCorrection
            {
                MessageId = id, Kind = "sentiment", Text = message.Text, Label = label, PreviousLabel = message.SentimentLabel, CorrectedBy = by, CreatedAt = now,
            });
            message.SentimentLabel = label;
        }

        if (request.Intent is { } corrected && corrected != message.Intent)
        {
            db.ClassificationCorrections.Add(new ClassificationCorrection
            {
                MessageId = id, Kind = "intent", Text = message.Text, Label = corrected, PreviousLabel = message.Intent, CorrectedBy = by, CreatedAt = now,
            });
            message.Intent = corrected;
            message.IntentConfidence = 1;
        }

        message.UpdatedAt = now;
        await using (var change = await work.BeginAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await realtime.MessageAsync(workspace.WorkspaceId!.Value, RealtimeEventNames.MessageUpdated, message, null, cancellationToken);
            await change.CommitAsync(cancellationToken);
        }
        return TypedResults.Ok(MessageResponse.From(message));
    }

    /// <summary>The corrections of one kind as <c>text,label</c> CSV, newest last (the format the trainer reads).</summary>
    internal static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(HubDbContext db, string? kind, CancellationToken cancellationToken)
    {
        if (kind is not ("intent" or "sentiment"))
        {
            return Problems.Invalid("kind", "kind is intent or sentiment.");
        }

        var rows = await db.ClassificationCorrections.AsNoTracking().Where(c => c.Kind == kind)
            .OrderBy(c => c.CreatedAt).Select(c => new { c.Text, c.Label }).ToListAsync(cancellationToken);
        var csv = new StringBuilder("text,label\n");
        foreach (var row in rows)
        {
            csv.Append('"').Append(row.Text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",").Append(row.Label).Append('\n');
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{kind}-corrections.csv");
    }
}
