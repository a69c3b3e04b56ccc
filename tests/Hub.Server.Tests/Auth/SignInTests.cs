using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Auth;

[Collection(HubCollection.Name)]
public sealed class SignInTests(HubApp app)
{
    [Fact]
    public async Task First_start_creates_the_configured_admin_who_can_get_a_token()
    {
        var client = await app.SignedInAsync();
        var me = await client.GetJsonAsync("/api/v1/auth/me");
        Assert.Contains("admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("jwt", me.Str("auth_method"));
        var workspace = await client.GetJsonAsync("/api/v1/workspace");
        Assert.Equal("Acme", workspace.Str("name"));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401_problem()
    {
        var client = app.Anonymous();
        var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = HubApp.AdminEmail, password = "not-the-password" });
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@example.com", password = "not-the-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Equal((await wrong.JsonAsync()).Str("detail"), (await unknown.JsonAsync()).Str("detail"));
    }

    [Theory]
    [InlineData("/api/v1/contacts")]
    [InlineData("/api/v1/channels")]
    [InlineData("/api/v1/members")]
    [InlineData("/api/v1/api-keys")]
    [InlineData("/api/v1/workspace")]
    [InlineData("/api/v1/auth/me")]
    public async Task Every_endpoint_refuses_anonymous_callers_with_401_problem(string url)
    {
        var response = await app.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_or_tampered_token_is_refused()
    {
        var client = await app.SignedInAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var parts = token.Split('.');
        // Same header and signature, payload with a different workspace id.
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1]))
            .Replace("\"workspace_id\":\"", "\"workspace_id\":\"0", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var forged = app.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/contacts")).StatusCode);

        var garbage = app.Anonymous();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt");
        Assert.Equal(HttpStatusCode.Unauthorized, (await garbage.GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Fact]
    public async Task Cookie_sign_in_works_for_the_dashboard_and_sign_out_ends_it()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = HubApp.AdminEmail, password = HubApp.AdminPassword });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var me = await client.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal("cookie", me.Str("auth_method"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_member_out()
    {
        var admin = await app.SignedInAsync();
        var email = $"lock-{Guid.NewGuid():N}@example.com";
        await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Locky", role = "agent", password = "Right-Passw0rd-1" });

        var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Wrong-Passw0rd-1" });
        }

        var locked = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Right-Passw0rd-1" });
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
    }

    [Fact]
    public async Task A_lock_says_how_long_and_another_admin_can_lift_it()
    {
        var admin = await app.SignedInAsync();
        var email = $"lock-{Guid.NewGuid():N}@example.com";
        var member = await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Locky", role = "agent", password = "Right-Passw0rd-1" });
        var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Wrong-Passw0rd-1" });
        }

        var locked = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Right-Passw0rd-1" });
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        var seconds = int.Parse(Assert.Single(locked.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 5 * 60);
        var problem = await locked.JsonAsync();
        Assert.Contains("try again in 5 minutes", problem.Str("detail"), StringComparison.Ordinal);

        // An unknown address reads the same (no probing for who has an account).
        var nobody = $"nobody-{Guid.NewGuid():N}@example.com";
        HttpResponseMessage unknown = null!;
        for (var i = 0; i < 6; i++)
        {
            unknown = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = nobody, password = "Wrong-Passw0rd-1" });
        }

        Assert.Equal(HttpStatusCode.Locked, unknown.StatusCode);
        Assert.Contains("try again in 5 minutes", (await unknown.JsonAsync()).Str("detail"), StringComparison.Ordinal);

        var listed = (await admin.GetJsonAsync("/api/v1/members")).EnumerateArray().Single(m => m.Str("email") == email);
        Assert.Equal(System.Text.Json.JsonValueKind.String, listed.GetProperty("locked_until").ValueKind);
        var unlocked = await admin.PostAsync($"/api/v1/members/{member.Str("id")}/unlock", null);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await unlocked.JsonAsync()).GetProperty("locked_until").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Right-Passw0rd-1" })).StatusCode);

        // Only an admin of the member's own workspace may.
        var other = await app.NewWorkspaceAsync($"Other {Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/members/{member.Str("id")}/unlock", null)).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_form_keeps_the_email_after_a_failed_try_and_says_how_long_a_lock_lasts()
    {
        var admin = await app.SignedInAsync();
        var email = $"form-{Guid.NewGuid():N}@example.com";
        await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Formy", role = "agent", password = "Right-Passw0rd-1" });
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = true });
        var form = await browser.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);

        string page = string.Empty;
        for (var i = 0; i < 6; i++)
        {
            var answer = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = "Wrong-Passw0rd-1", ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
            }));
            page = await answer.Content.ReadAsStringAsync();
            if (i == 0)
            {
                Assert.Contains("Wrong email or password", page, StringComparison.Ordinal);
                Assert.Contains($"value=\"{email}\"", page, StringComparison.Ordinal);
            }
        }

        Assert.Contains("Try again in 5 minutes", page, StringComparison.Ordinal);
        Assert.Contains("ask another admin to unlock", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_log()
    {
        var client = await app.SignedInAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        await app.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { email = HubApp.AdminEmail, password = "Typo-Passw0rd-Secret" });
        await client.GetAsync("/api/v1/contacts");

        var logs = string.Join('\n', app.Logs);
        Assert.DoesNotContain(HubApp.AdminPassword, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Typo-Passw0rd-Secret", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
    }

    private static byte[] Base64UrlDecode(string s) => System.Buffers.Text.Base64Url.DecodeFromChars(s);

    private static string Base64UrlEncode(byte[] b) => System.Buffers.Text.Base64Url.EncodeToString(b);
}
