using Hub.Core.Campaigns;
using Hub.Data;
using Hub.Server.Infrastructure;
using Hub.Server.Modules.Campaigns.Tracking;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>Opens or clicks of a message, as <c>GET /api/v1/tracking/messages/{id}/stats</c> shows them.</summary>
public sealed record TrackingCountsResponse(int Raw, int Human, int UniqueHuman, int Machine, int Scanner)
{
    public static TrackingCountsResponse From(TrackingCounts c) => new(c.Raw, c.Human, c.UniqueHuman, c.Machine, c.Scanner);
}

/// <summary>The tracking numbers of one message.</summary>
public sealed record MessageTrackingStatsResponse(Guid MessageId, Guid? CampaignId, TrackingCountsResponse Opens, TrackingCountsResponse Clicks, int Unsubscribes);

/// <summary>
/// The links mail readers hit: the open pixel, the click redirect and the unsubscribe page (anonymous, checked by
/// signature, rate-limited per IP), and the per-message stats for members.
/// </summary>
public static class TrackingApi
{
    public static IEndpointRouteBuilder MapTrackingApi(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/v1/tracking").WithTags("Tracking");
        links.MapGet("/open", Open).AllowAnonymous().RequireRateLimiting(TrackingExtensions.RateLimit);
        links.MapGet("/click", Click).AllowAnonymous().RequireRateLimiting(TrackingExtensions.RateLimit);
        links.MapGet("/trap", Trap).AllowAnonymous().RequireRateLimiting(TrackingExtensions.RateLimit).ExcludeFromDescription();
        links.MapGet("/messages/{id:guid}/stats", MessageStatsAsync).RequireAuthorization();

        var unsubscribe = app.MapGroup("/u").WithTags("Tracking").AllowAnonymous().RequireRateLimiting(TrackingExtensions.RateLimit);
        unsubscribe.MapGet("/{token}", UnsubscribePage);
        unsubscribe.MapPost("/{token}", UnsubscribeAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>The 1×1 pixel, always (unknown or unsigned links are simply not recorded).</summary>
    internal static FileContentHttpResult Open(
        [FromQuery(Name = "message_id")] string? messageId, [FromQuery(Name = "workspace_id")] string? workspaceId, [FromQuery(Name = "sig")] string? sig,
        HttpContext http, TrackingSigner signer, TrackingHitQueue queue, TimeProvider clock)
    {
        if (Guid.TryParse(messageId, out var message) && Guid.TryParse(workspaceId, out var workspace)
            && signer.Verify(workspace, message, TrackingHitKind.Open, null, sig))
        {
            queue.Enqueue(Hit(http, workspace, message, TrackingHitKind.Open, null, clock));
        }

        NoCache(http.Response);
        return TypedResults.File(TrackingPixel.Gif, "image/gif");
    }

    /// <summary>302 to the link's destination, only when the signature covers that exact URL.</summary>
    internal static Results<RedirectHttpResult, ValidationProblem> Click(
        [FromQuery(Name = "message_id")] string? messageId, [FromQuery(Name = "workspace_id")] string? workspaceId,
        [FromQuery(Name = "url")] string? url, [FromQuery(Name = "sig")] string? sig,
        HttpContext http, TrackingSigner signer, TrackingHitQueue queue, TimeProvider clock)
    {
        if (!Guid.TryParse(messageId, out var message))
        {
            return Problems.Invalid("message_id", "A message id is required.");
        }

        if (!Guid.TryParse(workspaceId, out var workspace))
        {
            return Problems.Invalid("workspace_id", "A workspace id is required.");
        }

        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            return Problems.Invalid("url", "An absolute http(s) URL is required.");
        }

        if (!signer.Verify(workspace, message, TrackingHitKind.Click, url, sig))
        {
            return Problems.Invalid("sig", "The link's signature does not match its message and URL.");
        }

        queue.Enqueue(Hit(http, workspace, message, TrackingHitKind.Click, url, clock));
        NoCache(http.Response);
        return TypedResults.Redirect(url);
    }

    /// <summary>Where the hidden trap link leads: nothing.</summary>
    internal static ContentHttpResult Trap(HttpContext http)
    {
        NoCache(http.Response);
        return TypedResults.Content(UnsubscribePages.Blank, "text/html; charset=utf-8");
    }

    /// <summary>The confirmation page: a GET (a scanner, a preview) changes nothing.</summary>
    internal static ContentHttpResult UnsubscribePage(string token, HttpContext http, TrackingSigner signer)
    {
        NoCache(http.Response);
        return signer.TryReadUnsubscribeToken(token, out _, out _)
            ? TypedResults.Content(UnsubscribePages.Confirm, "text/html; charset=utf-8")
            : TypedResults.Content(UnsubscribePages.Invalid, "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>RFC 8058 one-click (body <c>List-Unsubscribe=One-Click</c>) or the page's button: unsubscribes, idempotently.</summary>
    internal static async Task<ContentHttpResult> UnsubscribeAsync(string token, HttpContext http, TrackingSigner signer, Unsubscriber unsubscriber, CancellationToken cancellationToken)
    {
        NoCache(http.Response);
        if (!signer.TryReadUnsubscribeToken(token, out var workspace, out var message))
        {
            return TypedResults.Content(UnsubscribePages.Invalid, "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }

        var outcome = await unsubscriber.UnsubscribeAsync(workspace, message, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), cancellationToken);
        return outcome == UnsubscribeOutcome.UnknownMessage
            ? TypedResults.Content(UnsubscribePages.Invalid, "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Content(UnsubscribePages.Done, "text/html; charset=utf-8");
    }

    internal static async Task<Results<Ok<MessageTrackingStatsResponse>, ProblemHttpResult>> MessageStatsAsync(
        Guid id, HubDbContext db, TrackingStats stats, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().Where(m => m.Id == id).Select(m => new { m.Id, m.Metadata }).FirstOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return Problems.NotFound("Message");
        }

        var campaignId = message.Metadata.TryGetValue("campaign_id", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String
            && Guid.TryParse(c.GetString(), out var parsed) ? parsed : (Guid?)null;
        var result = await stats.ForMessageAsync(id, cancellationToken);
        return TypedResults.Ok(new MessageTrackingStatsResponse(id, campaignId, TrackingCountsResponse.From(result.Opens), TrackingCountsResponse.From(result.Clicks), result.Unsubscribes));
    }

    private static QueuedHit Hit(HttpContext http, Guid workspace, Guid message, TrackingHitKind kind, string? url, TimeProvider clock) =>
        new(workspace, message, kind, url, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), clock.GetUtcNow());

    private static void NoCache(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "0";
        response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }
}
