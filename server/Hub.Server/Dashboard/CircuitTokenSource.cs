using Hub.Core.Members;
using Hub.Server.Auth;
using Hub.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Hub.Server.Dashboard;

/// <summary>
/// Mints the member JWT a dashboard circuit calls the API and <c>/hubs/agent</c> with, from the member's
/// current row and roles (a removed member or changed role shows on the next token), and keeps it until a
/// minute before it expires.
/// </summary>
public sealed class CircuitTokenSource(
    AuthenticationStateProvider authentication,
    UserManager<Member> members,
    MemberTokenIssuer issuer,
    ScopedWorkspaceContext workspace,
    TimeProvider clock) : IApiTokenSource
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _current;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } fresh && fresh.ExpiresAt - clock.GetUtcNow() > Margin)
        {
            return fresh.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.ExpiresAt - clock.GetUtcNow() > Margin)
            {
                return again.Token;
            }

            var user = (await authentication.GetAuthenticationStateAsync()).User;
            if (!Guid.TryParse(user.FindFirst(HubClaims.Subject)?.Value, out var memberId)
                || !Guid.TryParse(user.FindFirst(HubClaims.WorkspaceId)?.Value, out var workspaceId))
            {
                throw new UnauthorizedAccessException("The dashboard circuit has no signed-in member.");
            }

            workspace.Use(workspaceId);
            var member = await members.FindByIdAsync(memberId.ToString())
                ?? throw new UnauthorizedAccessException("The signed-in member no longer exists.");
            _current = issuer.Issue(member, await members.GetRolesAsync(member));
            return _current.Value.Token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
