using System.Security.Claims;
using System.Text.Encodings.Web;
using Hub.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Auth;

/// <summary>
/// Authenticates <c>X-Api-Key: hub_…</c> (or <c>Authorization: ApiKey hub_…</c>) against the hashed keys
/// of all workspaces. The key's prefix finds the row; the hash is compared in constant time.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HubDbContext db,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeySecret.TryParsePrefix(presented, out var prefix))
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(k => k.Prefix == prefix, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null || !ApiKeySecret.Matches(presented, key.SecretHash))
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        // Last-used is advisory; a lost race between two requests is harmless.
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(HubClaims.Subject, $"apikey:{key.Id}"),
                new Claim(HubClaims.Name, key.Name),
                new Claim(HubClaims.WorkspaceId, key.WorkspaceId.ToString()),
                new Claim(HubClaims.Role, key.Role),
                new Claim(HubClaims.AuthMethod, "api_key"),
            ],
            Scheme.Name, HubClaims.Name, HubClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    internal static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header))
        {
            return header.ToString().Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }
}
