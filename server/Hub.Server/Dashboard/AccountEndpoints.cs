using Hub.Core.Members;
using Hub.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Hub.Server.Dashboard;

/// <summary>
/// The dashboard's sign-in and sign-out: plain HTML form posts (antiforgery-checked) that set or clear the
/// member cookie and redirect, so signing in needs no script.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapDashboardAccount(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account").WithTags("Dashboard").ExcludeFromDescription();
        group.MapPost("/login", SignInAsync).AllowAnonymous().RequireRateLimiting(AuthExtensions.SignInRateLimit);
        group.MapPost("/logout", SignOutAsync);
        return app;
    }

    internal static async Task<RedirectHttpResult> SignInAsync(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, UserManager<Member> users, SignInManager<Member> signIn,
        UnknownEmailLockout unknown, TimeProvider clock, HttpContext http)
    {
        var back = LocalOrRoot(returnUrl);
        var member = string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) ? null : await users.FindByEmailAsync(email.Trim());
        if (member is null)
        {
            return unknown.FailAndCheckLocked(email) is { } until ? Locked(http, email, until, clock, back) : Failed(http, email, "invalid", back);
        }

        var result = await signIn.PasswordSignInAsync(member, password!, isPersistent: true, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Locked(http, email, await users.GetLockoutEndDateAsync(member), clock, back);
        }

        if (result.Succeeded)
        {
            http.Response.Cookies.Delete(EmailCookie, new CookieOptions { Path = "/login" });
            return TypedResults.LocalRedirect(back);
        }

        return Failed(http, email, "invalid", back);
    }

    /// <summary>
    /// The address typed, kept for the form's next try (a short-lived cookie for the sign-in page only, not the URL,
    /// which ends up in logs and history).
    /// </summary>
    public const string EmailCookie = "hub.login.email";

    internal static async Task<RedirectHttpResult> SignOutAsync(SignInManager<Member> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("~/login");
    }

    private static RedirectHttpResult Locked(HttpContext http, string? email, DateTimeOffset? until, TimeProvider clock, string back)
    {
        var minutes = (int)Math.Ceiling(SignInLock.Wait(until, clock).TotalMinutes);
        return Failed(http, email, "locked", back, $"&wait={minutes}");
    }

    private static RedirectHttpResult Failed(HttpContext http, string? email, string error, string back, string extra = "")
    {
        if (!string.IsNullOrWhiteSpace(email) && email.Length <= 256)
        {
            http.Response.Cookies.Append(EmailCookie, email.Trim(), new CookieOptions
            {
                Path = "/login", HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true,
                Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromMinutes(10),
            });
        }

        return TypedResults.LocalRedirect($"~/login?error={error}{extra}&returnUrl={Uri.EscapeDataString(back)}");
    }

    /// <summary>
    /// Only a path on this site: never an open redirect to another host. Control characters are refused too:
    /// browsers drop tabs and newlines from URLs (<c>/\t/evil.example</c> is <c>//evil.example</c> to them), and
    /// <c>LocalRedirect</c> would throw on them (a 500).
    /// </summary>
    internal static string LocalOrRoot(string? returnUrl)
        => returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Contains("://", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";
}
