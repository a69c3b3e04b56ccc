namespace Hub.Core.Workspaces;

/// <summary>
/// A row that belongs to exactly one workspace (tenant). The data layer keeps workspaces apart with a
/// query filter on <see cref="WorkspaceId"/> and stamps it on new rows.
/// </summary>
public interface IWorkspaceOwned
{
    /// <summary>The workspace the row belongs to.</summary>
    Guid WorkspaceId { get; set; }
}
