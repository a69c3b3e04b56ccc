namespace Hub.Core.Workspaces;

/// <summary>
/// A per-workspace key for server-to-server REST calls. Only a SHA-256 hash of the secret is stored;
/// the full key is shown once, at creation.
/// </summary>
public sealed class ApiKey : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    /// <summary>The public, non-secret part of the key (<c>hub_{prefix}_…</c>), used to find the row.</summary>
    public required string Prefix { get; set; }

    /// <summary>Hex SHA-256 of the whole key.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The role calls with this key act with (admin, agent or marketer).</summary>
    public string Role { get; set; } = Members.MemberRole.Admin;

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
