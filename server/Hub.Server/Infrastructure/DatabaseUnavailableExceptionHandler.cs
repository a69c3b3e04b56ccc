using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace Hub.Server.Infrastructure;

/// <summary>
/// A request that failed because the database did not answer (down, restarting, recovering, connection dropped
/// mid-query: a <see cref="DbException"/> the driver calls transient, anywhere in the exception chain) is answered
/// <c>503</c> problem+json with <c>Retry-After</c>, not <c>500</c>: the caller (Twilio, an email provider, an API
/// client) should send it again, and nothing of it was stored unless the retry finds it (inbound is idempotent by
/// provider id).
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>What <c>Retry-After</c> asks for.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service unavailable",
            Detail = "The database is not answering. Nothing was stored; send the request again shortly.",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>True when <paramref name="exception"/> or one it wraps is a transient database failure.</summary>
    internal static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
