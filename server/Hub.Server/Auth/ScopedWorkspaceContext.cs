using Hub.Core.Workspaces;

namespace Hub.Server.Auth;

/// <summary>
/// The workspace of the current scope: the signed-in caller's <c>workspace_id</c> claim, unless code
/// that runs outside a request (a job, a hub, start-up) says which workspace it acts for.
/// </summary>
public sealed class ScopedWorkspaceContext(IHttpContextAccessor accessor) : IWorkspaceContext
{
    private Guid? _override;

    public Guid? WorkspaceId => _override
        ?? (Guid.TryParse(accessor.HttpContext?.User.FindFirst(HubClaims.WorkspaceId)?.Value, out var id) ? id : null);

    /// <summary>Acts for <paramref name="workspaceId"/> for the rest of this scope.</summary>
    public void Use(Guid workspaceId) => _override = workspaceId;
}
