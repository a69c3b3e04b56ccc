using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace Hub.Web.Services;

/// <summary>
/// Hub's REST API as the signed-in member (one per circuit). Pages use it rather than the database, so the
/// API's validation messages, paging and role checks are the dashboard's too.
/// </summary>
public class HubApi(HttpClient http, IApiTokenSource tokens, NavigationManager navigation, IOptions<DashboardOptions> options, OwnServerAddress? self = null)
{
    /// <summary>The API's root as the server reaches it: configured, else this process's own HTTP address, else the browser's.</summary>
    public Uri BaseAddress => options.Value.ApiBaseUrl ?? self?.Http ?? new Uri(navigation.BaseUri);

    public virtual Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken = default)
        => SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public virtual Task<ApiResult<T>> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
        => SendAsync<T>(HttpMethod.Post, path, body, cancellationToken);

    public virtual Task<ApiResult<T>> PutAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
        => SendAsync<T>(HttpMethod.Put, path, body, cancellationToken);

    public virtual Task<ApiResult<T>> PatchAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
        => SendAsync<T>(HttpMethod.Patch, path, body, cancellationToken);

    public virtual Task<ApiResult<JsonElement>> DeleteAsync(string path, CancellationToken cancellationToken = default)
        => SendAsync<JsonElement>(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>Sends a request; 2xx answers are read as <typeparamref name="T"/> (empty bodies as default).</summary>
    public virtual async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseAddress, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return ApiResult<T>.Failure(await ReadProblemAsync(response, cancellationToken));
        }

        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return ApiResult<T>.Success(default);
        }

        return ApiResult<T>.Success(await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken));
    }

    /// <summary>Raw bytes of an answer (CSV exports).</summary>
    public virtual async Task<ApiResult<byte[]>> PostForBytesAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        request.Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? ApiResult<byte[]>.Success(await response.Content.ReadAsByteArrayAsync(cancellationToken))
            : ApiResult<byte[]>.Failure(await ReadProblemAsync(response, cancellationToken));
    }

    /// <summary>Sends text in another media type (a rules.yaml import); 2xx answers are read as <typeparamref name="T"/>.</summary>
    public virtual async Task<ApiResult<T>> PostTextAsync<T>(string path, string text, string mediaType, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new StringContent(text, System.Text.Encoding.UTF8, mediaType);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? ApiResult<T>.Success(await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken))
            : ApiResult<T>.Failure(await ReadProblemAsync(response, cancellationToken));
    }

    /// <summary>An answer as text (a rules.yaml export).</summary>
    public virtual async Task<ApiResult<string>> GetTextAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? ApiResult<string>.Success(await response.Content.ReadAsStringAsync(cancellationToken))
            : ApiResult<string>.Failure(await ReadProblemAsync(response, cancellationToken));
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var fallback = new ApiProblem(status, response.ReasonPhrase ?? $"HTTP {status}", null, new Dictionary<string, string[]>());
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString()).ToArray()
                        : [field.Value.ToString()];
                }
            }

            return new ApiProblem(
                status,
                root.TryGetProperty("title", out var title) ? title.GetString() ?? fallback.Title : fallback.Title,
                root.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
                errors);
        }
        catch (JsonException)
        {
            return fallback;
        }
    }
}
