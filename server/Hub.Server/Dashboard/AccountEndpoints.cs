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
        UnknownEmailLockout unknown)
    {
        var back = LocalOrRoot(returnUrl);
        var member = string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) ? null : await users.FindByEmailAsync(email.Trim());
        if (member is null)
        {
            return Failed(unknown.FailAndCheckLocked(email) ? "locked" : "invalid", back);
        }

        var result = await signIn.PasswordSignInAsync(member, password!, isPersistent: true, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Failed("locked", back);
        }

        return result.Succeeded ? TypedResults.LocalRedirect(back) : Failed("invalid", back);
    }

    internal static async Task<RedirectHttpResult> SignOutAsync(SignInManager<Member> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("~/login");
    }

    private static RedirectHttpResult Failed(string error, string back)
        => TypedResults.LocalRedirect($"~/login?error={error}&returnUrl={Uri.EscapeDataString(back)}");

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
