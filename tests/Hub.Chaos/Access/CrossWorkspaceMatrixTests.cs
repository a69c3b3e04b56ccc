using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>
/// Workspace B's admin (JWT) and B's API key call every API route that takes an id with workspace A's ids: each
/// call must be refused (404, or 403), A's objects must read the same afterwards, and B's lists never show A's ids.
/// Routes come from the host's endpoint table: a new route with an id that this test doesn't know how to fill
/// makes it fail, so it is covered the day it is added. The same call with B's own id (the control) shows the
/// route and body reach the handler, so a 404 for A's id is about the workspace, not a typo in the test.
/// </summary>
public sealed partial class CrossWorkspaceMatrixTests(CrossWorkspaceMatrixTests.App app, ITestOutputHelper output)
    : IClassFixture<CrossWorkspaceMatrixTests.App>
{
    /// <summary>The Hub these tests run on (their own: they create two workspaces of everything).</summary>
    public sealed class App : HubApp;

    /// <summary>Which seeded id fills a route, by the route's text before its first parameter.</summary>
    private static readonly (string Prefix, string Kind)[] IdKinds =
    [
        ("/api/v1/webhooks/deliveries/", "delivery"), ("/api/v1/webhooks/", "webhook"),
        ("/api/v1/tracking/messages/", "message"), ("/api/v1/messages/", "message"),
        ("/api/v1/analytics/alerts/", "alert"), ("/api/v1/api-keys/", "api_key"),
        ("/api/v1/canned-responses/", "canned"), ("/api/v1/campaigns/", "campaign"),
        ("/api/v1/channels/", "channel"), ("/api/v1/contacts/", "contact"),
        ("/api/v1/conversations/", "conversation"), ("/api/v1/events/", "event"),
        ("/api/v1/members/", "member"), ("/api/v1/notifications/", "notification"),
        ("/api/v1/rules/", "rule"), ("/api/v1/segments/", "segment"),
        ("/api/v1/templates/", "template"), ("/api/v1/users/", "user"), ("/api/v1/audit/", "user"),
    ];

    [Fact]
    public async Task Another_workspace_reaches_none_of_A_s_objects_through_any_route_with_an_id()
    {
        var a = await WorkspaceSeed.CreateAsync(app, "Alpha");
        var b = await WorkspaceSeed.CreateAsync(app, "Bravo");
        var before = await a.SnapshotAsync();

        var routes = IdRoutes();
        var unknown = routes.Where(r => Kind(r.Pattern) is null).Select(r => r.Key).ToList();
        Assert.True(unknown.Count == 0, "Routes with an id this matrix does not know how to fill (add them to IdKinds):\n" + string.Join("\n", unknown));
        Assert.True(routes.Count > 50, $"only {routes.Count} routes with an id found");

        var callers = new (string Name, HttpClient Client)[] { ("B admin JWT", b.Admin), ("B API key", b.ApiKey) };
        var letIn = new List<string>();
        var statuses = new Dictionary<int, int>();
        var controlsReached = 0;
        var tried = 0;

        // Deletes last, so the controls of the other routes still find B's objects.
        foreach (var route in routes.OrderBy(r => r.Method == "DELETE" ? 1 : 0).ThenBy(r => r.Key, StringComparer.Ordinal))
        {
            foreach (var (name, client) in callers)
            {
                tried++;
                using var attempt = await client.SendAsync(route.Request(a, b, control: false));
                var status = (int)attempt.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await attempt.Content.ReadAsStringAsync();
                // Users are addressed by the customer's own user id, a name space of each workspace: B naming A's user id
                // names B's own user (created by an upsert, say). That is no access to A as long as nothing of A comes back
                // and A's objects stay as they were (checked below).
                var refused = !attempt.IsSuccessStatusCode || route.NamespacedByCaller;
                if (!refused || status >= 500 || LeaksIds(body, a))
                {
                    letIn.Add($"{name}: {route.Key} with A's id → {status} {Truncate(body)}");
                }
            }

            // Control: B's own id through the same route and body reaches the handler (anything but 404/5xx).
            using var control = await b.Admin.SendAsync(route.Request(b, b, control: true));
            if ((int)control.StatusCode >= 500)
            {
                letIn.Add($"control: {route.Key} with B's own id → {(int)control.StatusCode}");
            }
            else if (control.StatusCode != HttpStatusCode.NotFound)
            {
                controlsReached++;
            }
            else
            {
                output.WriteLine($"control 404 (B's own object not found there): {route.Key}");
            }
        }

        var after = await a.SnapshotAsync();
        var changed = Diff(before, after);
        output.WriteLine($"Cross-workspace: {routes.Count} routes with an id × {callers.Length} callers = {tried} calls; answers "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + $"; controls reaching the handler {controlsReached}/{routes.Count}");
        Coverage.Print(output, "REST routes with an id, A's ids", routes.Count, [.. callers.Select(c => c.Name)], tried, letIn.Count + changed.Count);
        Assert.True(letIn.Count == 0, "Workspace B got at workspace A's objects:\n" + string.Join("\n", letIn));
        Assert.True(changed.Count == 0, "A's objects changed after B's calls:\n" + string.Join("\n", changed));
        Assert.True(controlsReached >= routes.Count * 3 / 4, $"only {controlsReached} of {routes.Count} controls reached a handler: the matrix is not testing what it claims");
        ChaosReport.Record(ChaosKind.Access, "other-workspace callers (admin JWT, API key) on every route with an id", tried, "calls", letIn.Count + changed.Count,
            $"{routes.Count} routes; A's objects unchanged");
    }

    [Fact]
    public async Task Another_workspace_s_lists_never_contain_A_s_ids()
    {
        var a = await WorkspaceSeed.CreateAsync(app, "Alpha");
        var b = await WorkspaceSeed.CreateAsync(app, "Bravo");
        var lists = Endpoints().Where(e => e.Method == "GET" && e.Pattern.StartsWith("/api/", StringComparison.Ordinal)
            && !e.Pattern.Contains('{', StringComparison.Ordinal)).ToList();
        var leaks = new List<string>();
        var tried = 0;
        foreach (var list in lists)
        {
            foreach (var (name, client) in new[] { ("B admin JWT", b.Admin), ("B API key", b.ApiKey) })
            {
                tried++;
                using var response = await client.GetAsync(list.Pattern);
                var body = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500 || LeaksIds(body, a))
                {
                    leaks.Add($"{name}: GET {list.Pattern} → {(int)response.StatusCode} {Truncate(body)}");
                }
            }
        }

        // The lists do work: A's admin sees A's ids in them.
        var own = await (await a.Admin.GetAsync("/api/v1/contacts")).Content.ReadAsStringAsync();
        Assert.Contains(a.Ids["contact"], own, StringComparison.Ordinal);
        output.WriteLine($"{lists.Count} list endpoints × 2 callers = {tried} calls");
        Coverage.Print(output, "REST list endpoints", lists.Count, ["B admin JWT", "B API key"], tried, leaks.Count);
        Assert.True(leaks.Count == 0, "B's lists showed A's objects:\n" + string.Join("\n", leaks));
        ChaosReport.Record(ChaosKind.Access, "other-workspace callers on every list endpoint", tried, "calls", leaks.Count, $"{lists.Count} lists; no A id in any answer");
    }

    /// <summary>Whether <paramref name="body"/> shows anything of A (the problem's <c>instance</c>, the URL asked for, aside).</summary>
    private static bool LeaksIds(string body, WorkspaceSeed a)
    {
        body = Instance().Replace(body, string.Empty);
        return a.Ids.Where(i => i.Key != "user").Any(i => body.Contains(i.Value, StringComparison.OrdinalIgnoreCase))
            || body.Contains("Alpha", StringComparison.Ordinal);
    }

    private static List<string> Diff(string before, string after)
    {
        var b = before.Split('\n');
        var a = after.Split('\n');
        return [.. b.Zip(a).Where(p => p.First != p.Second).Select(p => $"before: {Truncate(p.First)}\nafter:  {Truncate(p.Second)}")];
    }

    private static string Truncate(string s) => s.Length > 400 ? s[..400] + "…" : s;

    private static string? Kind(string pattern)
    {
        var prefix = pattern[..pattern.IndexOf('{', StringComparison.Ordinal)];
        return IdKinds.FirstOrDefault(k => prefix.StartsWith(k.Prefix, StringComparison.Ordinal)).Kind;
    }

    private List<Route> IdRoutes() =>
        [.. Endpoints().Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && e.Pattern.Contains('{', StringComparison.Ordinal))];

    private List<Route> Endpoints()
    {
        var source = app.Services.GetRequiredService<EndpointDataSource>();
        var routes = new List<Route>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
            routes.AddRange(methods.Where(x => x != "OPTIONS").Select(method => new Route(method, pattern, accepts)));
        }

        return routes;
    }

    private sealed record Route(string Method, string Pattern, string? ContentType)
    {
        public string Key => $"{Method} {Pattern}";

        /// <summary>Routes addressed by the customer's user id: each workspace has its own.</summary>
        public bool NamespacedByCaller => Kind(Pattern) == "user";

        /// <summary>
        /// The route filled with <paramref name="target"/>'s id and a body valid for <paramref name="caller"/>. The control
        /// revokes a spare API key, not the one the matrix calls with.
        /// </summary>
        public HttpRequestMessage Request(WorkspaceSeed target, WorkspaceSeed caller, bool control)
        {
            var kind = Kind(Pattern)!;
            kind = control && kind == "api_key" ? "spare_api_key" : kind;
            var path = Parameter().Replace(Pattern, _ => Uri.EscapeDataString(target.Ids[kind]));
            var request = new HttpRequestMessage(new HttpMethod(Method), path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (Method is "POST" or "PUT" or "PATCH")
            {
                var body = JsonSerializer.Serialize(Body(caller));
                request.Content = new StringContent(body, Encoding.UTF8, ContentType is { } t && t.Contains("json", StringComparison.Ordinal) ? t : "application/json");
            }

            return request;
        }

        /// <summary>A body the handler accepts, so what refuses A's id is the lookup, not validation.</summary>
        private object Body(WorkspaceSeed caller) => Key switch
        {
            var k when k.StartsWith("PUT /api/v1/rules/", StringComparison.Ordinal) => WorkspaceSeed.RuleBody($"hijacked_{Guid.NewGuid():N}", caller.TemplateName),
            var k when k.StartsWith("PATCH /api/v1/rules/", StringComparison.Ordinal) => new { enabled = false },
            var k when k.StartsWith("PUT /api/v1/campaigns/", StringComparison.Ordinal) => WorkspaceSeed.CampaignBody("Hijacked campaign"),
            var k when k.StartsWith("PUT /api/v1/templates/", StringComparison.Ordinal) => WorkspaceSeed.TemplateBody($"HIJACK_{Guid.NewGuid():N}"),
            var k when k.StartsWith("PUT /api/v1/segments/", StringComparison.Ordinal) => WorkspaceSeed.SegmentBody("Hijacked segment"),
            var k when k.StartsWith("PATCH /api/v1/contacts/", StringComparison.Ordinal) => new { first_name = "Hijacked" },
            var k when k.StartsWith("PATCH /api/v1/conversations/", StringComparison.Ordinal) => new { priority = "high", subject = "Hijacked" },
            var k when k.EndsWith("/assign", StringComparison.Ordinal) => new { assignee_id = (Guid?)null },
            var k when k.EndsWith("/{id:guid}/messages", StringComparison.Ordinal) => new { content = "Hijacked reply", @private = true },
            var k when k.StartsWith("PATCH /api/v1/channels/", StringComparison.Ordinal) => new { name = "Hijacked channel" },
            var k when k.EndsWith("/channels/{id:guid}/test", StringComparison.Ordinal) => new { to = "+14155550199" },
            var k when k.StartsWith("PATCH /api/v1/webhooks/", StringComparison.Ordinal) => new { description = "Hijacked" },
            var k when k.StartsWith("PUT /api/v1/canned-responses/", StringComparison.Ordinal) => new { short_code = $"hj{Guid.NewGuid():N}"[..12], content = "Hijacked" },
            var k when k.StartsWith("PATCH /api/v1/members/", StringComparison.Ordinal) => new { display_name = "Hijacked" },
            var k when k.EndsWith("/preferences", StringComparison.Ordinal) => new { preferences = new { } },
            var k when k.StartsWith("PUT /api/v1/users/", StringComparison.Ordinal) => new { first_name = "Hijacked" },
            var k when k.EndsWith("/classification", StringComparison.Ordinal) => new { sentiment_label = "negative" },
            _ => new { },
        };
    }

    [GeneratedRegex("\"instance\":\"[^\"]*\"")]
    private static partial Regex Instance();

    [GeneratedRegex(@"\{\*{0,2}[A-Za-z_]+(:[a-z]+(\([^)]*\))?)?\??\}")]
    private static partial Regex Parameter();
}
