using Hub.Core.Workspaces;
using Microsoft.AspNetCore.Identity;

namespace Hub.Core.Members;

/// <summary>
/// A person who signs in: an admin, agent or marketer of one workspace. Sign-in data (email, password
/// hash, lock-out) comes from ASP.NET Core Identity; roles are Identity roles named by <see cref="MemberRole"/>.
/// </summary>
public sealed class Member : IdentityUser<Guid>, IWorkspaceOwned
{
    public Member() => Id = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public required string DisplayName { get; set; }

    public MemberAvailability Availability { get; set; } = MemberAvailability.Online;

    /// <summary>How many open conversations auto-assignment may give this agent at once (0 = no limit).</summary>
    public int ConversationCapacity { get; set; }

    /// <summary>The team whose conversations auto-assignment gives this agent (e.g. <c>billing</c>).</summary>
    public string? Team { get; set; }

    /// <summary>When auto-assignment last gave this agent a conversation: round-robin picks the longest-waiting.</summary>
    public DateTimeOffset? LastAssignedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
