using Hub.Core.Workspaces;

namespace Hub.Core.Inbox;

/// <summary>A saved reply agents insert with <c>/short_code</c>; <c>{{contact.first_name}}</c>-style placeholders are filled at insert.</summary>
public sealed class CannedResponse : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string ShortCode { get; set; }

    public required string Content { get; set; }

    /// <summary>The team it is shared with; <c>null</c> shares it with everyone.</summary>
    public string? Team { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
