using System.Net;
using System.Net.Http.Json;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>A Hub with limits small enough to reach in a test (each limit is a fixed one-minute window).</summary>
public sealed class RateLimitedApp : HubApp
{
    public const int SignInLimit = 6;
    public const int ClientTokenLimit = 4;
    public const int TrackingLimit = 5;

    public RateLimitedApp()
    {
        Settings["Auth:SignInRateLimitPerMinute"] = SignInLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Auth:ClientTokenRateLimitPerMinute"] = ClientTokenLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Tracking:RateLimitPerMinute"] = TrackingLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Login (token and cookie), token minting and the public endpoints answer 429 with <c>Retry-After</c> and a
/// problem+json body once their limit is spent, and nothing is served past the limit.
/// </summary>
public sealed class RateLimitTests(RateLimitedApp app, ITestOutputHelper output) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Sign_in_token_minting_and_public_endpoints_answer_429_with_retry_after_past_their_limit()
    {
        // One sign-in for the admin JWT the minting calls need (it spends one of the sign-in window's permits).
        var admin = await app.SignedInAsync();
        var tried = 0;
        var letIn = 0;

        // Token minting: per workspace.
        var minted = 0;
        for (var i = 0; i < RateLimitedApp.ClientTokenLimit * 3; i++)
        {
            tried++;
            using var response = await admin.PostAsJsonAsync("/api/v1/client-tokens", new { user_id = $"u{i}" });
            if (response.IsSuccessStatusCode)
            {
                minted++;
            }
            else
            {
                await AssertThrottledAsync(response, "POST /api/v1/client-tokens");
            }
        }

        letIn += Math.Max(0, minted - RateLimitedApp.ClientTokenLimit);
        Assert.Equal(RateLimitedApp.ClientTokenLimit, minted);

        // Tracking links (anonymous, per IP): the pixel is served up to the limit, then refused.
        var anonymous = app.Anonymous();
        var pixels = 0;
        for (var i = 0; i < RateLimitedApp.TrackingLimit * 3; i++)
        {
            tried++;
            using var response = await anonymous.GetAsync($"/api/v1/tracking/open?message_id={Guid.NewGuid()}&workspace_id={Guid.NewGuid()}&sig=x");
            if (response.IsSuccessStatusCode)
            {
                pixels++;
            }
            else
            {
                await AssertThrottledAsync(response, "GET /api/v1/tracking/open");
            }
        }

        letIn += Math.Max(0, pixels - RateLimitedApp.TrackingLimit);
        Assert.Equal(RateLimitedApp.TrackingLimit, pixels);

        // Sign-in, sign-up and widget sessions share the anonymous "sign-in" window: spend it with wrong passwords.
        var answered = 1; // the admin's sign-in above
        for (var i = 0; i < RateLimitedApp.SignInLimit * 2; i++)
        {
            tried++;
            using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = $"nobody{i}@example.com", password = "Wrong-Passw0rd-1" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await AssertThrottledAsync(response, "POST /api/v1/auth/token");
            }
            else
            {
                answered++;
            }
        }

        letIn += Math.Max(0, answered - RateLimitedApp.SignInLimit);
        Assert.Equal(RateLimitedApp.SignInLimit, answered);

        // Now every endpoint of that window is refused, even with the right password.
        var sameWindow = new (string Name, Func<Task<HttpResponseMessage>> Call)[]
        {
            ("POST /api/v1/auth/token (right password)", () => anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = HubApp.AdminEmail, password = HubApp.AdminPassword })),
            ("POST /api/v1/auth/login (right password)", () => anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = HubApp.AdminEmail, password = HubApp.AdminPassword })),
            ("POST /account/login", () => anonymous.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = HubApp.AdminEmail, ["password"] = HubApp.AdminPassword }))),
            ("POST /api/v1/workspaces", () => anonymous.PostAsJsonAsync("/api/v1/workspaces", new { workspace_name = "Flood", admin_email = $"f-{Guid.NewGuid():N}@example.com", admin_name = "F", admin_password = "Flood-Passw0rd-1" })),
            ("POST /api/v1/widget/sessions", () => anonymous.PostAsJsonAsync("/api/v1/widget/sessions", new { widget_key = "wk_unknown" })),
        };
        foreach (var (name, call) in sameWindow)
        {
            tried++;
            using var response = await call();
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                letIn++;
                output.WriteLine($"let in past the limit: {name} → {(int)response.StatusCode}");
                continue;
            }

            await AssertThrottledAsync(response, name);
        }

        output.WriteLine($"{tried} calls against limits sign-in={RateLimitedApp.SignInLimit}, client-tokens={RateLimitedApp.ClientTokenLimit}, tracking={RateLimitedApp.TrackingLimit} per minute; {letIn} let in past a limit");
        Assert.Equal(0, letIn);
        ChaosReport.Record(ChaosKind.Access, "rate limits: sign-in, sign-up, widget session, client-token minting, tracking", tried, "calls", letIn,
            "429 + Retry-After + problem+json past the limit");
    }

    private static async Task AssertThrottledAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{what} → {(int)response.StatusCode}, expected 429");
        Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1),
            $"{what}: 429 without a usable Retry-After ({response.Headers.RetryAfter})");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }
}
