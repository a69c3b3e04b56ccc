namespace Hub.Core.Workspaces;

/// <summary>The workspace the current request or job acts for.</summary>
public interface IWorkspaceContext
{
    /// <summary>The current workspace, or <c>null</c> when nobody is signed in.</summary>
    Guid? WorkspaceId { get; }
}

/// <summary>A workspace context fixed at construction: for jobs, tests and start-up work.</summary>
public sealed class FixedWorkspaceContext(Guid? workspaceId) : IWorkspaceContext
{
    public Guid? WorkspaceId { get; } = workspaceId;
}
