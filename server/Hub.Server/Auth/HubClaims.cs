namespace Hub.Server.Auth;

/// <summary>Claim and scheme names Hub issues and reads.</summary>
public static class HubClaims
{
    public const string WorkspaceId = "workspace_id";
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
    public const string Email = "email";

    /// <summary>How the caller proved who they are: <c>password</c>, <c>jwt</c> or <c>api_key</c>.</summary>
    public const string AuthMethod = "amr";

    /// <summary>The signed-in member's id; null for an API key or an end user.</summary>
    public static Guid? MemberId(System.Security.Claims.ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Subject)?.Value, out var id) ? id : null;
}

/// <summary>The authentication schemes of Hub.</summary>
public static class HubSchemes
{
    /// <summary>Picks one of the others from what the request carries.</summary>
    public const string Default = "Hub";

    /// <summary>Members' short-lived JWTs from <c>POST /api/v1/auth/token</c>.</summary>
    public const string MemberJwt = "MemberJwt";

    /// <summary>Per-workspace API keys for server-to-server calls.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>End users' client tokens (<c>/hubs/client</c>, the widget).</summary>
    public const string EndUser = "EndUser";
}

/// <summary>Authorization policy names: who may do what.</summary>
public static class HubPolicies
{
    /// <summary>Admins only: members, API keys, channels, workspace settings.</summary>
    public const string Admin = "admin";

    /// <summary>Admins and agents: the inbox.</summary>
    public const string Inbox = "inbox";

    /// <summary>Admins and marketers: campaigns, templates, segments.</summary>
    public const string Marketing = "marketing";

    /// <summary>Any member of a workspace (the agent hub).</summary>
    public const string Member = "member";

    /// <summary>An end user signed in with a client token.</summary>
    public const string EndUser = "end_user";
}
