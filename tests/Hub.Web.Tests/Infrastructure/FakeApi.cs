using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Web.Services;

namespace Hub.Web.Tests.Infrastructure;

/// <summary>
/// Hub's REST API as a component under test sees it: the real <see cref="HubApi"/> over an HTTP handler that
/// answers from routes the test declares (JSON in the API's snake_case), and records every request.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string PathPrefix, Func<HttpRequestMessage, string?, HttpResponseMessage> Answer)> _routes = [];

    /// <summary>Every request as "METHOD /path?query" with its body.</summary>
    public List<(string Request, string? Body)> Requests { get; } = [];

    /// <summary>Answers (routes declared later win) <paramref name="method"/> requests whose path starts with <paramref name="pathPrefix"/> with <paramref name="body"/> as JSON.</summary>
    public FakeApi On(HttpMethod method, string pathPrefix, object body, HttpStatusCode status = HttpStatusCode.OK)
        => On(method, pathPrefix, (_, _) => Json(body, status));

    public FakeApi On(HttpMethod method, string pathPrefix, Func<HttpRequestMessage, string?, HttpResponseMessage> answer)
    {
        _routes.Insert(0, (method, pathPrefix, answer));
        return this;
    }

    /// <summary>A problem+json answer, as the API's validation gives.</summary>
    public static HttpResponseMessage Problem(int status, string title, IDictionary<string, string[]>? errors = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "about:blank", title, status, errors }), Encoding.UTF8, "application/problem+json"),
        };
        return response;
    }

    public static HttpResponseMessage Json(object body, HttpStatusCode status = HttpStatusCode.OK)
        => new(status) { Content = new StringContent(JsonSerializer.Serialize(body, ApiJson.Options), Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        lock (Requests)
        {
            Requests.Add(($"{request.Method} {path}", body));
        }

        foreach (var (method, prefix, answer) in _routes)
        {
            if (method == request.Method && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return answer(request, body);
            }
        }

        return Problem(404, $"No fake route for {request.Method} {path}");
    }
}
