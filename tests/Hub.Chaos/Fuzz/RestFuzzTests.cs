using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hub.Chaos.Fuzz;

/// <summary>
/// Every endpoint the host maps (read from its endpoint table, so a new one is fuzzed without editing this test), sent
/// hostile input by a signed-in admin: unreadable and wrong-typed bodies, oversize and deeply nested JSON, unknown
/// members, injection strings in every member, bad route and query values. Each answer must be a 4xx (problem+json on
/// the API) or a success, never a 5xx; afterwards the host is healthy and rows it was never asked to change are
/// unchanged and still load.
/// </summary>
public sealed partial class RestFuzzTests(FuzzApp app, ITestOutputHelper output) : IClassFixture<FuzzApp>
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Hostile_input_on_every_endpoint_gets_a_4xx_problem_never_a_5xx_and_stored_rows_stay_intact()
    {
        output.WriteLine(FuzzSettings.Banner(nameof(RestFuzzTests)));
        var random = FuzzSettings.For(nameof(RestFuzzTests));
        var admin = await app.NewWorkspaceAsync($"Fuzz {Guid.NewGuid():N}");
        var me = Guid.Parse((await admin.GetJsonAsync("/api/v1/auth/me")).Str("subject"));
        var sentinel = await FuzzRows.CreateAsync(app, admin, "sentinel");
        var targets = await FuzzRows.CreateAsync(app, admin, "target");
        var before = await sentinel.SnapshotAsync(admin);
        var untouchable = sentinel.Ids.Append(me).ToHashSet();

        using var docResponse = await admin.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, docResponse.StatusCode);
        var shapes = new OpenApiShapes(JsonDocument.Parse(await docResponse.Content.ReadAsStringAsync()).RootElement.Clone());

        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 100, $"only {endpoints.Count} endpoints found");
        var pools = await HarvestIdsAsync(admin, endpoints, untouchable);
        output.WriteLine($"{endpoints.Count} endpoints; id pools for {pools.Count} collections");

        var results = new List<Outcome>();
        var started = DateTimeOffset.UtcNow;
        foreach (var endpoint in endpoints)
        {
            foreach (var input in Inputs(endpoint, shapes, pools, targets, random))
            {
                results.Add(await SendAsync(admin, endpoint, input));
            }
        }

        output.WriteLine($"{results.Count} requests in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
        foreach (var group in results.GroupBy(r => r.Status / 100).OrderBy(g => g.Key))
        {
            output.WriteLine($"  {group.Key}xx: {group.Count()}");
        }

        var failures = results.Where(r => r.Status >= 500 || r.Status == 0).ToList();
        foreach (var error in app.Logs.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal))
                     .Select(l => l.Split('\n')[0] + " | " + string.Join(" | ", l.Split('\n').Skip(1).Where(x => x.Contains("Hub.", StringComparison.Ordinal)).Take(3)))
                     .Distinct().Take(40))
        {
            output.WriteLine(error);
        }

        var notProblems = results.Where(r => r.Status is >= 400 and < 500 && r.IsApi && !r.IsProblem).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} answers were 5xx, a crash or a hang (seed {FuzzSettings.Seed}):\n"
            + string.Join("\n", failures.DistinctBy(f => (f.Key, f.Input)).Take(60).Select(f => f.ToString())));
        Assert.True(notProblems.Count == 0, $"{notProblems.Count} API 4xx answers were not problem+json:\n"
            + string.Join("\n", notProblems.DistinctBy(f => (f.Key, f.Status)).Take(40).Select(f => f.ToString())));

        // The host still serves, what nobody aimed at is unchanged, and every list still loads what was stored.
        using (var ready = await app.Anonymous().GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var after = await sentinel.SnapshotAsync(admin);
        Assert.Equal(before, after);
        var lists = await ListsLoadAsync(admin, endpoints);
        ChaosReport.Record(ChaosKind.Input, "REST bodies, routes and query strings (admin, every endpoint)", results.Count, "inputs",
            failures.Count + notProblems.Count, $"{endpoints.Count} endpoints, {lists} lists reloaded, seed {FuzzSettings.Seed}");
    }

    /// <summary>One request the fuzzer sends.</summary>
    private sealed record Input(string Name, string Path, string? ContentType, byte[]? Body);

    private sealed record Outcome(string Key, string Input, int Status, bool IsApi, bool IsProblem, string Detail)
    {
        public override string ToString() => $"{Key} [{Input}] → {Status} {Detail}";
    }

    private sealed record Target(string Method, string Pattern, string? Accepts)
    {
        public string Key => $"{Method} {Pattern}";

        public bool HasBody => Method is "POST" or "PUT" or "PATCH";

        public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal) || Pattern.StartsWith("/webhooks/", StringComparison.Ordinal);

        /// <summary>The collection a route's ids come from: the pattern up to its first parameter.</summary>
        public string Collection => Pattern.IndexOf("/{", StringComparison.Ordinal) is var cut and > 0 ? Pattern[..cut] : Pattern;
    }

    private List<Target> Endpoints()
    {
        var source = app.Services.GetRequiredService<EndpointDataSource>();
        var targets = new List<Target>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            if (pattern.StartsWith("/_", StringComparison.Ordinal) || pattern.StartsWith("/hubs/", StringComparison.Ordinal)
                || pattern.Contains("{**", StringComparison.Ordinal) || pattern.StartsWith("/docs", StringComparison.Ordinal) || StaticAsset().IsMatch(pattern))
            {
                continue; // framework files, hubs (HubFuzzTests), the API reference UI
            }

            // Dashboard pages prerender by calling the API at the request's own URL, which the in-memory server has no
            // socket for: they are fuzzed on a real-socket host (DashboardFuzzTests).
            if (endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata"))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
            targets.AddRange(methods.Where(x => x != "OPTIONS").Select(method => new Target(method, pattern, accepts)));
        }

        return targets.DistinctBy(t => t.Key).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Ids of existing rows per collection (what each list endpoint returns), minus those nobody may touch.</summary>
    private async Task<Dictionary<string, List<Guid>>> HarvestIdsAsync(HttpClient admin, List<Target> endpoints, HashSet<Guid> untouchable)
    {
        var pools = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        foreach (var list in endpoints.Where(e => e.Method == "GET" && e.IsApi && !e.Pattern.Contains('{', StringComparison.Ordinal)))
        {
            using var response = await admin.GetAsync(new Uri(list.Pattern + "?limit=50", UriKind.Relative));
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                continue;
            }

            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var items = json.ValueKind == JsonValueKind.Array ? json : json.ValueKind == JsonValueKind.Object && json.TryGetProperty("items", out var i) ? i : default;
            if (items.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var ids = items.EnumerateArray()
                .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var g) ? g : Guid.Empty)
                .Where(g => g != Guid.Empty && !untouchable.Contains(g)).ToList();
            if (ids.Count > 0)
            {
                pools[list.Pattern] = ids;
            }
        }

        return pools;
    }

    private static IEnumerable<Input> Inputs(Target endpoint, OpenApiShapes shapes, Dictionary<string, List<Guid>> pools, FuzzRows targets, Random random)
    {
        var operation = shapes.Operation(endpoint.Method, endpoint.Pattern);
        var bodySchema = operation is { } op ? OpenApiShapes.BodySchema(op) : null;
        var query = operation is { } o ? OpenApiShapes.QueryParameters(o) : [];
        var pool = pools.GetValueOrDefault(endpoint.Collection) ?? [];
        Guid Ids(string member) => member switch
        {
            _ when member.Contains("contact", StringComparison.Ordinal) => targets.ContactId,
            _ when member.Contains("conversation", StringComparison.Ordinal) => targets.ConversationId,
            _ when member.Contains("template", StringComparison.Ordinal) => targets.TemplateId,
            _ when member.Contains("campaign", StringComparison.Ordinal) => targets.CampaignId,
            _ when member.Contains("channel", StringComparison.Ordinal) => targets.ChannelId,
            _ => Guid.NewGuid(),
        };
        JsonNode? Valid() => bodySchema is { } schema ? shapes.Sample(schema, random, Ids) : new JsonObject();
        string Path(bool hostile) => Parameter().Replace(endpoint.Pattern, m =>
        {
            var isGuid = m.Groups["constraint"].Value == "guid";
            if (hostile && random.Next(3) == 0)
            {
                return PathSafe(Hostile.UrlValue(random));
            }

            return isGuid
                ? (pool.Count > 0 && random.Next(4) != 0 ? pool[random.Next(pool.Count)] : Guid.NewGuid()).ToString()
                : m.Groups["name"].Value == "userId" ? "fuzz-user" : PathSafe(Hostile.UrlValue(random));
        });
        string Query(bool hostile)
        {
            var pairs = new List<string>();
            foreach (var (name, _) in query)
            {
                if (random.Next(2) == 0)
                {
                    pairs.Add($"{name}={(hostile ? Hostile.UrlValue(random) : "1")}");
                }
            }

            if (hostile && random.Next(3) == 0)
            {
                pairs.Add($"{Hostile.UrlValue(random)}={Hostile.UrlValue(random)}");
            }

            return pairs.Count == 0 ? string.Empty : "?" + string.Join('&', pairs);
        }

        byte[] Json(JsonNode? node) => Encoding.UTF8.GetBytes(node?.ToJsonString(Compact) ?? "null");
        var json = endpoint.Accepts ?? "application/json";

        // A valid-shaped call first: the mutations below are measured against an input that reaches the handler.
        yield return new Input("valid shape", Path(hostile: false) + Query(hostile: false), endpoint.HasBody ? json : null, endpoint.HasBody ? Json(Valid()) : null);
        for (var i = 0; i < FuzzSettings.Cases; i++)
        {
            var path = Path(hostile: true) + Query(hostile: true);
            if (!endpoint.HasBody)
            {
                yield return new Input("hostile route/query", path, null, null);
                continue;
            }

            var body = Valid();
            var changed = new List<string>();
            if (body is JsonObject obj && obj.Count > 0)
            {
                var names = obj.Select(p => p.Key).ToList();
                for (var n = random.Next(1, Math.Min(4, names.Count + 1)); n > 0; n--)
                {
                    var name = names[random.Next(names.Count)];
                    obj[name] = random.Next(3) == 0 ? Hostile.WrongValue(random) : JsonValue.Create(Hostile.Pick(random));
                    changed.Add(name);
                }

                if (random.Next(4) == 0)
                {
                    obj["fuzz_unknown_member"] = Hostile.Pick(random);
                    changed.Add("unknown member");
                }
            }
            else
            {
                body = Hostile.WrongValue(random);
                changed.Add("whole body");
            }

            yield return new Input($"hostile members ({string.Join(", ", changed)})", path, json, Json(body));
        }

        if (!endpoint.HasBody)
        {
            yield break;
        }

        foreach (var (name, contentType, bytes) in Hostile.MalformedBodies)
        {
            yield return new Input(name, Path(hostile: false), contentType, bytes);
        }

        // Oversize: a valid shape whose string members are all ~1 MiB (over every member's MaxLength).
        var big = Valid();
        if (big is JsonObject members)
        {
            var huge = Hostile.Huge(random);
            foreach (var name in members.Where(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String).Select(p => p.Key).ToList())
            {
                members[name] = huge;
            }
        }

        yield return new Input("oversize members", Path(hostile: false), json, Json(big));
        yield return new Input("no body", Path(hostile: false), null, null);
    }

    private static async Task<Outcome> SendAsync(HttpClient client, Target endpoint, Input input)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), input.Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (input.Body is not null)
        {
            request.Content = new ByteArrayContent(input.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var text = status >= 400 ? await response.Content.ReadAsStringAsync(timeout.Token) : string.Empty;
            return new Outcome(endpoint.Key, input.Name, status, endpoint.IsApi, mediaType == "application/problem+json",
                status >= 400 ? $"{mediaType} {Shorten(text)}" : string.Empty);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new Outcome(endpoint.Key, input.Name, 0, endpoint.IsApi, false, $"{ex.GetType().Name}: {Shorten(ex.Message)}");
        }
    }

    /// <summary>Every list endpoint answers 200 with JSON it can parse, whatever the fuzz run stored.</summary>
    private static async Task<int> ListsLoadAsync(HttpClient admin, List<Target> endpoints)
    {
        var count = 0;
        foreach (var list in endpoints.Where(e => e.Method == "GET" && e.IsApi && !e.Pattern.Contains('{', StringComparison.Ordinal)
                     && !e.Pattern.StartsWith("/api/v1/tracking/", StringComparison.Ordinal)))
        {
            using var response = await admin.GetAsync(new Uri(list.Pattern, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"GET {list.Pattern} after the fuzz run → {(int)response.StatusCode} {Shorten(text)}");
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                JsonDocument.Parse(text).Dispose();
                count++;
            }
        }

        return count;
    }

    // The in-memory test server refuses a NUL in the path on the client side, before Hub sees it (Kestrel answers 400).
    private static string PathSafe(string escaped) => escaped.Replace("%00", "%01", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_]+)(:(?<constraint>[a-z]+)(\([^)]*\))?)?\??\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"\.(css|js|map|png|svg|ico|gz|br|woff2?|json)$")]
    private static partial Regex StaticAsset();
}
