using System.Security.Claims;
using Hub.Core.Members;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Hub.Server.Auth;

/// <summary>Adds the member's workspace and display name to the cookie and token principal.</summary>
internal sealed class MemberClaimsPrincipalFactory(
    UserManager<Member> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Member, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Member user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(HubClaims.WorkspaceId, user.WorkspaceId.ToString()));
        identity.AddClaim(new Claim(HubClaims.Name, user.DisplayName));
        return identity;
    }
}
