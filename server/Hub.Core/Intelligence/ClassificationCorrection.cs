using Hub.Core.Workspaces;

namespace Hub.Core.Intelligence;

/// <summary>
/// An agent's correction of a message's sentiment or intent: kept as a training row (<c>text,label</c>) for the
/// next training run, so the models learn the workspace's own language.
/// </summary>
public sealed class ClassificationCorrection : IWorkspaceOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid MessageId { get; set; }

    /// <summary><c>sentiment</c> or <c>intent</c>.</summary>
    public required string Kind { get; set; }

    public required string Text { get; set; }

    public required string Label { get; set; }

    public string? PreviousLabel { get; set; }

    public Guid? CorrectedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
