using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Auth;

/// <summary>Creates a workspace together with its first admin, in one transaction.</summary>
public sealed partial class WorkspaceProvisioner(
    HubDbContext db, UnitOfWork work, UserManager<Member> users, ScopedWorkspaceContext workspace, TimeProvider clock)
{
    /// <summary>The outcome: the workspace and admin, or Identity's reasons for refusing the admin.</summary>
    public sealed record Result(Workspace? Workspace, Member? Admin, IReadOnlyList<IdentityError> Errors);

    public async Task<Result> CreateAsync(string name, string adminEmail, string adminName, string adminPassword, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var created = new Workspace
        {
            Name = name.Trim(),
            Slug = await UniqueSlugAsync(name, cancellationToken),
            ClientTokenSecret = NewClientTokenSecret(),
            CreatedAt = now,
        };

        await using var change = await work.BeginAsync(cancellationToken);
        db.Workspaces.Add(created);
        await db.SaveChangesAsync(cancellationToken);
        workspace.Use(created.Id);

        var admin = new Member
        {
            WorkspaceId = created.Id,
            UserName = adminEmail,
            Email = adminEmail,
            EmailConfirmed = true,
            DisplayName = adminName,
            CreatedAt = now,
        };
        var result = await users.CreateAsync(admin, adminPassword);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(admin, MemberRole.Admin);
        }

        if (!result.Succeeded)
        {
            await change.RollbackAsync(cancellationToken);
            return new Result(null, null, [.. result.Errors]);
        }

        await change.CommitAsync(cancellationToken);
        return new Result(created, admin, []);
    }

    /// <summary>A fresh 256-bit secret for signing end-user tokens.</summary>
    public static string NewClientTokenSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private async Task<string> UniqueSlugAsync(string name, CancellationToken cancellationToken)
    {
        var stem = NotSlug().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        stem = stem.Length == 0 ? "workspace" : stem[..Math.Min(stem.Length, 48)];
        var slug = stem;
        for (var n = 2; await db.Workspaces.AnyAsync(w => w.Slug == slug, cancellationToken); n++)
        {
            slug = $"{stem}-{n}";
        }

        return slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
