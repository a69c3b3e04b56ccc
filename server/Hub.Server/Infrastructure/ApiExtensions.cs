using System.Text.Json;
using System.Text.Json.Serialization;
using Scalar.AspNetCore;

namespace Hub.Server.Infrastructure;

/// <summary>How every REST endpoint speaks: snake_case JSON, problem+json errors, validation, OpenAPI.</summary>
public static class ApiExtensions
{
    public static IHostApplicationBuilder AddHubApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions.TryAdd("trace_id", ctx.HttpContext.TraceIdentifier);
            if (ctx.ProblemDetails is HttpValidationProblemDetails validation)
            {
                SnakeCaseKeys(validation.Errors);
                foreach (var key in validation.Errors.Keys.ToList())
                {
                    validation.Errors[key] = [.. validation.Errors[key].Select(m => ValidationWords.Rewrite(key, m))];
                }
            }
        });
        // Unreadable bodies reach BadRequestExceptionHandler, which names the field, instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // A database that does not answer is 503 + Retry-After (the caller retries), not a 500.
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.Services.AddValidation();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Hub API";
            document.Info.Description = "Real-time communication hub: inbox, channels, campaigns, notifications.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>snake_case names and enum values, as the product's specs write them; unknown fields and NUL characters are refused.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        NulRefusingConverters.AddTo(options);
    }

    /// <summary>
    /// Validation names fields as the JSON does (<c>first_name</c>, not <c>FirstName</c>). A path segment that is not a
    /// member name (a dictionary key such as a language tag, <c>localizations.pt-BR.subject</c>) is kept as sent.
    /// </summary>
    private static void SnakeCaseKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            var snake = string.Join('.', key.Split('.').Select(s => s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '[' or ']')
                ? JsonNamingPolicy.SnakeCaseLower.ConvertName(s)
                : s));
            if (snake != key)
            {
                var messages = errors[key];
                errors.Remove(key);
                errors[snake] = errors.TryGetValue(snake, out var existing) ? [.. existing, .. messages] : messages;
            }
        }
    }

    public static WebApplication MapHubApiDocs(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Hub API")).AllowAnonymous();
        return app;
    }
}
