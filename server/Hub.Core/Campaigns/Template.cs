using Hub.Core.Workspaces;

namespace Hub.Core.Campaigns;

/// <summary>A reusable message: subject and bodies with Liquid-style placeholders.</summary>
public sealed class Template : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string Subject { get; set; }

    public required string HtmlContent { get; set; }

    public string? TextContent { get; set; }

    public List<string> Variables { get; set; } = [];

    public string? Category { get; set; }

    public bool IsActive { get; set; } = true;

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
