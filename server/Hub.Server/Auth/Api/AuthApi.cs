using System.ComponentModel.DataAnnotations;
using Hub.Core.Members;
using Hub.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Hub.Server.Auth.Api;

/// <summary>Sign-in email and password.</summary>
public sealed record SignInRequest([property: Required, EmailAddress] string Email, [property: Required, MaxLength(200)] string Password);

/// <summary>A member JWT: send it as <c>Authorization: Bearer …</c> (or <c>?access_token=</c> to hubs).</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, DateTimeOffset ExpiresAt);

/// <summary>Who the caller is.</summary>
public sealed record MeResponse(string Subject, string Name, Guid WorkspaceId, IReadOnlyList<string> Roles, string AuthMethod);

/// <summary><c>/api/v1/auth</c>: members sign in for a cookie (dashboard) or a short-lived JWT (API, hubs).</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/token", IssueTokenAsync).AllowAnonymous().RequireRateLimiting(AuthExtensions.SignInRateLimit);
        group.MapPost("/login", SignInAsync).AllowAnonymous().RequireRateLimiting(AuthExtensions.SignInRateLimit);
        group.MapPost("/logout", SignOutAsync);
        group.MapGet("/me", Me);
        return app;
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        SignInRequest request, UserManager<Member> users, SignInManager<Member> signIn, MemberTokenIssuer issuer, UnknownEmailLockout unknown,
        TimeProvider clock, HttpContext http)
    {
        var member = await users.FindByEmailAsync(request.Email);
        if (member is null)
        {
            return unknown.FailAndCheckLocked(request.Email) is { } until ? LockedOut(http, until, clock) : InvalidCredentials();
        }

        var check = await signIn.CheckPasswordSignInAsync(member, request.Password, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            return LockedOut(http, await users.GetLockoutEndDateAsync(member), clock);
        }

        if (!check.Succeeded)
        {
            return InvalidCredentials();
        }

        var (token, expires) = issuer.Issue(member, await users.GetRolesAsync(member));
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)(expires - clock.GetUtcNow()).TotalSeconds, expires));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(
        SignInRequest request, UserManager<Member> users, SignInManager<Member> signIn, UnknownEmailLockout unknown, TimeProvider clock, HttpContext http)
    {
        var member = await users.FindByEmailAsync(request.Email);
        if (member is null)
        {
            return unknown.FailAndCheckLocked(request.Email) is { } until ? LockedOut(http, until, clock) : InvalidCredentials();
        }

        var result = await signIn.PasswordSignInAsync(member, request.Password, isPersistent: true, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return LockedOut(http, await users.GetLockoutEndDateAsync(member), clock);
        }

        return result.Succeeded ? TypedResults.NoContent() : InvalidCredentials();
    }

    internal static async Task<NoContent> SignOutAsync(SignInManager<Member> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    internal static Ok<MeResponse> Me(HttpContext context)
    {
        var user = context.User;
        return TypedResults.Ok(new MeResponse(
            user.FindFirst(HubClaims.Subject)?.Value ?? string.Empty,
            user.FindFirst(HubClaims.Name)?.Value ?? string.Empty,
            Guid.Parse(user.FindFirst(HubClaims.WorkspaceId)!.Value),
            [.. user.FindAll(HubClaims.Role).Select(c => c.Value)],
            user.FindFirst(HubClaims.AuthMethod)?.Value is "jwt" or "api_key" ? user.FindFirst(HubClaims.AuthMethod)!.Value : "cookie"));
    }

    // The same answer for an unknown email and a wrong password, so sign-in can't be used to probe emails.
    // It says how long (and Retry-After): a person locked out by someone guessing needs to know when to come back,
    // or to ask another admin to unlock them.
    private static ProblemHttpResult LockedOut(HttpContext http, DateTimeOffset? until, TimeProvider clock)
    {
        var wait = SignInLock.Wait(until, clock);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem($"Too many failed attempts; try again in {SignInLock.Describe(wait)}, or ask another admin to unlock the account.",
            statusCode: StatusCodes.Status423Locked, title: "Locked out",
            extensions: new Dictionary<string, object?> { ["locked_until"] = until, ["retry_after_seconds"] = (int)Math.Ceiling(wait.TotalSeconds) });
    }

    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem("Email or password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
}
