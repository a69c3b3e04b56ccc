using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Auth.Api;

/// <summary>Mints an end-user token for <c>/hubs/client</c>.</summary>
public sealed record CreateClientTokenRequest(
    [property: Required, MinLength(1), MaxLength(200)] string UserId,
    [property: Range(60, 86_400)] int? ExpiresInSeconds);

/// <summary>The end-user token: connect with <c>/hubs/client?access_token=…</c>.</summary>
public sealed record ClientTokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST /api/v1/client-tokens</c>: a convenience for backends that would rather not sign JWTs
/// themselves. The token is the same one they could mint with the workspace's client-token secret.
/// </summary>
public static class ClientTokensApi
{
    public static IEndpointRouteBuilder MapClientTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/client-tokens", CreateAsync).WithTags("Real time").RequireAuthorization(HubPolicies.Admin)
            .RequireRateLimiting(AuthExtensions.ClientTokenRateLimit);
        return app;
    }

    internal static async Task<Results<Ok<ClientTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateClientTokenRequest request, HubDbContext db, IWorkspaceContext workspace, IOptions<ClientTokenOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var secret = await db.Workspaces.AsNoTracking().Where(w => w.Id == workspace.WorkspaceId)
            .Select(w => w.ClientTokenSecret).FirstOrDefaultAsync(cancellationToken);
        if (secret is null)
        {
            return Problems.NotFound("Workspace");
        }

        var lifetime = request.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.DefaultClientTokenLifetime;
        if (lifetime > options.Value.MaxClientTokenLifetime)
        {
            return Problems.Invalid("expires_in_seconds", $"At most {(int)options.Value.MaxClientTokenLifetime.TotalSeconds} seconds.");
        }

        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var token = Mint(secret, workspace.WorkspaceId!.Value, request.UserId, now, expires);
        return TypedResults.Ok(new ClientTokenResponse(token, expires));
    }

    /// <summary>
    /// What a customer's backend does to sign an end-user token (see README for other languages). A widget token
    /// also names its <paramref name="channelId"/>, so the visitor's conversations are filed under that site's channel.
    /// </summary>
    public static string Mint(string secret, Guid workspaceId, string userId, DateTimeOffset issuedAt, DateTimeOffset expires, Guid? channelId = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(
            [
                new Claim(HubClaims.Subject, userId),
                new Claim(EndUserAuthenticationHandler.WorkspaceClaim, workspaceId.ToString()),
                .. channelId is { } channel ? [new Claim(EndUserAuthenticationHandler.ChannelClaim, channel.ToString())] : Array.Empty<Claim>(),
            ]),
            Audience = EndUserAuthenticationHandler.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
}
