using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Turns unreadable request bodies and parameters into 400 problem+json that names the field, instead
/// of an empty 400 (or a 500). A JSON body declared in a charset .NET does not know (<c>charset=ebcdic</c>) is a 415.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            // The JSON reader throws InvalidOperationException for a charset it can't decode: the client's fault, not ours.
            return exception is InvalidOperationException && UnknownCharset(httpContext.Request) is { } charset
                && await WriteAsync(httpContext, exception, StatusCodes.Status415UnsupportedMediaType, "Unsupported charset.", "charset",
                    $"'{charset}' is not a supported charset; send the body as UTF-8.");
        }

        var (field, message) = bad.InnerException is JsonException json
            ? (FieldOf(json.Path), Describe(json))
            : BindingFailure().Match(bad.Message) is { Success: true } binding
                ? (JsonNamingPolicy.SnakeCaseLower.ConvertName(binding.Groups[1].Value), $"'{binding.Groups[2].Value}' is not a valid value.")
                : (string.Empty, bad.Message);
        var title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : "The request could not be read.";
        return await WriteAsync(httpContext, exception, bad.StatusCode, title, field, message);
    }

    private async Task<bool> WriteAsync(HttpContext httpContext, Exception exception, int status, string title, string field, string message)
    {
        httpContext.Response.StatusCode = status;
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = status,
            Title = title,
            Detail = message,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The charset of the request's Content-Type when .NET has no encoding of that name.</summary>
    internal static string? UnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Value is not { Length: > 0 } charset)
        {
            return null;
        }

        try
        {
            _ = System.Text.Encoding.GetEncoding(charset.Trim('"'));
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }

    // "Failed to bind parameter \"Nullable<int> limit\" from \"lots\"."
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\"]*?(\\w+)\" from \"(.*)\"")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    internal static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    internal static string Describe(JsonException json)
    {
        // System.Text.Json's messages name .NET types, which mean nothing to an API client.
        var message = json.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "This field is not part of the request.";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "This value has the wrong type or is not one of the allowed values.";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
