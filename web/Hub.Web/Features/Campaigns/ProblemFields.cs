using Hub.Web.Services;

namespace Hub.Web.Features.Campaigns;

/// <summary>Reads a field's server messages for MudBlazor's <c>Error</c>/<c>ErrorText</c> (null-safe: no problem, no error).</summary>
public static class ProblemFields
{
    public static bool Has(this ApiProblem? problem, string field) => problem is not null && problem.For(field).Count > 0;

    public static string? Text(this ApiProblem? problem, string field) =>
        problem is not null && problem.For(field) is { Count: > 0 } messages ? string.Join(" ", messages) : null;
}
