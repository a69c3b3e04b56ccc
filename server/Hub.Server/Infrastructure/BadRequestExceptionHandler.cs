using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Hub.Server.Infrastructure;

/// <summary>
/// Turns unreadable request bodies and parameters into 400 problem+json that names the field, instead
/// of an empty 400 (or a 500).
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = bad.InnerException is JsonException json
            ? (FieldOf(json.Path), Describe(json))
            : BindingFailure().Match(bad.Message) is { Success: true } binding
                ? (JsonNamingPolicy.SnakeCaseLower.ConvertName(binding.Groups[1].Value), $"'{binding.Groups[2].Value}' is not a valid value.")
                : (string.Empty, bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : "The request could not be read.",
            Detail = message,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
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
