using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Hub.Server.Auth;

/// <summary>
/// What a caller over a rate limit gets: 429 with <c>Retry-After</c> (whole seconds, from the limiter's window)
/// and a problem+json body, so clients back off instead of retrying blindly.
/// </summary>
public static class RateLimitRejection
{
    /// <summary>Writes the 429 answer for <paramref name="context"/>.</summary>
    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : 60;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
                $"Too many requests; retry after {retryAfter} seconds.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests")
            .ExecuteAsync(http);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
