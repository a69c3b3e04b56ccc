namespace Hub.Web.Services;

/// <summary>One page of a list endpoint (<c>{ "items": [...], "next_cursor": "…" }</c>).</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, string? NextCursor);
