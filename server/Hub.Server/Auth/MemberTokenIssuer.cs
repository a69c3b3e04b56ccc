using System.Security.Claims;
using Hub.Core.Members;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Auth;

/// <summary>Issues members' short-lived JWTs (HS256) for API and hub calls.</summary>
public sealed class MemberTokenIssuer(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>The audience member tokens are issued for, so end-user tokens can't pass as them.</summary>
    public const string Audience = "hub-members";

    public (string Token, DateTimeOffset ExpiresAt) Issue(Member member, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(member);
        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var claims = new List<Claim>
        {
            new(HubClaims.Subject, member.Id.ToString()),
            new(HubClaims.WorkspaceId, member.WorkspaceId.ToString()),
            new(HubClaims.Name, member.DisplayName),
            new(HubClaims.Email, member.Email ?? string.Empty),
            new(HubClaims.AuthMethod, "jwt"),
        };
        claims.AddRange(roles.Select(r => new Claim(HubClaims.Role, r)));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
