namespace Hub.Web.Services;

/// <summary>A problem+json answer of the API: what to show next to the form field it names.</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>The messages for one field (snake_case path as the API names it, e.g. <c>settings.batch_size</c>).</summary>
    public IReadOnlyList<string> For(string field)
        => Errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>One line for a snackbar: the detail, else the title, with the first field error.</summary>
    public string Summary => Errors.Count == 0
        ? Detail ?? Title
        : $"{Detail ?? Title} {string.Join("; ", Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}";
}

/// <summary>Either the API's answer or its problem.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;

    public static ApiResult<T> Success(T? value) => new(value, null);

    public static ApiResult<T> Failure(ApiProblem problem) => new(default, problem);
}
