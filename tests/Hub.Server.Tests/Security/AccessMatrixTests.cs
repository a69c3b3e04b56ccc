using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Core.Members;
using Hub.Server.Auth;
using Hub.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Hub.Server.Tests.Security;

/// <summary>
/// Every endpoint the host maps (found from its endpoint table, so a new one is covered without editing this
/// test), tried by callers who must not get in: anonymous, an expired member token, a forged token, and members
/// whose role the endpoint's policy excludes. The public endpoints are an explicit list: making one public is a
/// deliberate change here.
/// </summary>
[Collection(HubCollection.Name)]
public sealed partial class AccessMatrixTests(HubApp app, ITestOutputHelper output)
{
    /// <summary>What answers without credentials, and why.</summary>
    private static readonly string[] Public =
    [
        "GET /health/live", "GET /health/ready", // orchestrators' probes
        "GET /openapi/{documentName}.json", "GET /docs/{documentName?}", // API reference
        "POST /api/v1/auth/token", "POST /api/v1/auth/login", "POST /api/v1/workspaces", // sign-in and sign-up (rate limited)
        "GET /login", "POST /login", "POST /account/login", // the dashboard's sign-in form (antiforgery-checked)
        "GET /not-found", "POST /not-found", // the dashboard's "no such page" (static text)
        "POST /api/v1/widget/sessions", "OPTIONS /api/v1/widget/sessions", // web chat on customers' sites (widget key)
        "POST /webhooks/twilio/{channelId:guid}/inbound", "POST /webhooks/twilio/{channelId:guid}/status", // Twilio (signature-checked)
        "POST /webhooks/email/{channelId:guid}/inbound", // inbound email (HMAC-checked)
        "GET /api/v1/tracking/open", "GET /api/v1/tracking/click", "GET /api/v1/tracking/trap", // tracking links (signed tokens)
        "GET /u/{token}", "POST /u/{token}", // one-click unsubscribe (signed token)
    ];

    [Fact]
    public async Task Nothing_but_the_listed_public_endpoints_answers_an_anonymous_caller()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 100, $"only {endpoints.Count} endpoints found");
        var anonymousMetadata = endpoints.Where(e => e.AllowsAnonymous).Select(e => e.Key).Distinct().Order().ToList();
        var unexpected = anonymousMetadata.Where(k => !Public.Contains(k) && !k.Contains(" /_framework/", StringComparison.Ordinal)
                && !k.Contains(" /_content/", StringComparison.Ordinal) && !IsStaticAsset(k)).ToList();
        Assert.True(unexpected.Count == 0, "Endpoints open to anonymous callers but not in the public list:\n" + string.Join("\n", unexpected));

        var client = app.Anonymous();
        var failures = new List<string>();
        foreach (var endpoint in endpoints.Where(e => !e.AllowsAnonymous))
        {
            using var response = await client.SendAsync(endpoint.Request(accessToken: null));
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{endpoint.Key} → {(int)response.StatusCode}");
            }
        }

        output.WriteLine($"{endpoints.Count(e => !e.AllowsAnonymous)} protected endpoints tried anonymously");
        Assert.True(failures.Count == 0, "Anonymous callers were not refused with 401:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Expired_and_forged_member_tokens_are_refused_everywhere()
    {
        await using var scope = app.Scope();
        var members = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
        var admin = await members.FindByEmailAsync(HubApp.AdminEmail) ?? throw new InvalidOperationException("no admin");
        var roles = await members.GetRolesAsync(admin);
        var keys = app.Services.GetRequiredService<SigningKeyProvider>();
        var authOptions = app.Services.GetRequiredService<IOptions<AuthOptions>>();
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - authOptions.Value.TokenLifetime - TimeSpan.FromMinutes(5));
        var (expired, _) = new MemberTokenIssuer(keys, authOptions, past).Issue(admin, roles);
        var (valid, _) = new MemberTokenIssuer(keys, authOptions, TimeProvider.System).Issue(admin, roles);
        var forged = Forge(valid);

        var client = app.Anonymous();
        var failures = new List<string>();
        var tried = 0;
        foreach (var endpoint in Endpoints().Where(e => !e.AllowsAnonymous && e.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var (name, token) in new[] { ("expired", expired), ("forged", forged) })
            {
                tried++;
                using var response = await client.SendAsync(endpoint.Request(token));
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{name}: {endpoint.Key} → {(int)response.StatusCode}");
                }
            }
        }

        output.WriteLine($"{tried} calls with expired or forged tokens");
        Assert.True(failures.Count == 0, "Bad tokens were not refused with 401:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Members_are_refused_endpoints_their_role_does_not_cover()
    {
        var admin = await app.SignedInAsync();
        var byRole = new Dictionary<string, HttpClient>
        {
            [MemberRole.Agent] = await app.NewMemberAsync(admin, MemberRole.Agent),
            [MemberRole.Marketer] = await app.NewMemberAsync(admin, MemberRole.Marketer),
        };
        var excluded = new Dictionary<string, string[]>
        {
            [HubPolicies.Admin] = [MemberRole.Agent, MemberRole.Marketer],
            [HubPolicies.Inbox] = [MemberRole.Marketer],
            [HubPolicies.Marketing] = [MemberRole.Agent],
        };

        var failures = new List<string>();
        var tried = 0;
        foreach (var endpoint in Endpoints().Where(e => !e.AllowsAnonymous))
        {
            foreach (var role in endpoint.Policies.Where(excluded.ContainsKey).SelectMany(p => excluded[p]).Distinct())
            {
                tried++;
                var client = byRole[role];
                using var request = endpoint.Request(client.DefaultRequestHeaders.Authorization!.Parameter);
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{role}: {endpoint.Key} → {(int)response.StatusCode}");
                }
            }
        }

        output.WriteLine($"{tried} calls by members whose role is excluded");
        Assert.True(tried > 30, $"only {tried} role-restricted calls found");
        Assert.True(failures.Count == 0, "Members got past a policy their role is not in:\n" + string.Join("\n", failures));
    }

    private static bool IsStaticAsset(string key) => StaticAsset().IsMatch(key);

    /// <summary>The valid token with its payload changed (workspace claim swapped) and the old signature kept.</summary>
    private static string Forge(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url(parts[1]));
        payload = WorkspaceClaim().Replace(payload, $"\"workspace_id\":\"{Guid.NewGuid()}\"");
        return $"{parts[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";
    }

    private static byte[] Base64Url(string s)
    {
        var padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    private List<Target> Endpoints()
    {
        var source = app.Services.GetRequiredService<EndpointDataSource>();
        var targets = new List<Target>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            var allowsAnonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            // A body of the type the endpoint accepts, so a refusal is about the caller, not the body (415).
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
            foreach (var method in methods)
            {
                targets.Add(new Target(method, pattern, allowsAnonymous, policies, accepts));
            }
        }

        // Hubs are tried through their negotiate endpoint (what every client calls first).
        return targets.Where(t => !t.Path.Contains("{**", StringComparison.Ordinal) || t.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();
    }

    private sealed record Target(string Method, string Pattern, bool AllowsAnonymous, IReadOnlyList<string> Policies, string? ContentType)
    {
        public string Key => $"{Method} {Pattern}";

        /// <summary>The pattern with its parameters filled with plausible values.</summary>
        public string Path => Parameter().Replace(Pattern, m => m.Groups["constraint"].Value switch
        {
            "guid" => Guid.NewGuid().ToString(),
            "int" or "long" => "1",
            _ => "x",
        });

        public HttpRequestMessage Request(string? accessToken)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (accessToken is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }

            if (Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, ContentType ?? "application/json");
            }

            return request;
        }
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_]+)(:(?<constraint>[a-z]+)(\([^)]*\))?)?\??\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("\"workspace_id\":\"[^\"]+\"")]
    private static partial Regex WorkspaceClaim();

    [GeneratedRegex(@"^GET /[^{}]*\.(css|js|map|png|svg|ico|gz|br|woff2?|json)$")]
    private static partial Regex StaticAsset();
}
