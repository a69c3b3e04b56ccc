using System.ComponentModel.DataAnnotations;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Auth.Api;

/// <summary>A member of the workspace; <c>locked_until</c> is set while failed sign-ins keep them out.</summary>
public sealed record MemberResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, MemberAvailability Availability, int ConversationCapacity, DateTimeOffset CreatedAt)
{
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The team whose conversations auto-assignment gives this member.</summary>
    public string? Team { get; init; }
}

/// <summary>Adds a member with a first password they should change.</summary>
public sealed record CreateMemberRequest(
    [property: Required, EmailAddress, MaxLength(256)] string Email,
    [property: Required, MaxLength(200)] string DisplayName,
    [property: Required] string Role,
    [property: Required, MinLength(10), MaxLength(200)] string Password,
    [property: Range(0, 1000)] int? ConversationCapacity,
    [property: MaxLength(100)] string? Team = null);

/// <summary>Changes a member: only the fields present are changed (an empty <c>team</c> takes them out of their team).</summary>
public sealed record UpdateMemberRequest(
    [property: MaxLength(200)] string? DisplayName,
    string? Role,
    MemberAvailability? Availability,
    [property: Range(0, 1000)] int? ConversationCapacity,
    [property: MaxLength(100)] string? Team = null);

/// <summary><c>/api/v1/members</c>: admins, agents and marketers of the workspace.</summary>
public static class MembersApi
{
    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/members").WithTags("Members");
        group.MapGet("/", ListAsync).RequireAuthorization();
        group.MapPost("/", CreateAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapPost("/{id:guid}/unlock", UnlockAsync).RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    // Members are not behind the workspace filter (sign-in must find them), so every query here scopes itself.
    internal static async Task<Ok<List<MemberResponse>>> ListAsync(HubDbContext db, IWorkspaceContext workspace, TimeProvider clock, CancellationToken cancellationToken)
    {
        var members = await db.Users.AsNoTracking().Where(m => m.WorkspaceId == workspace.WorkspaceId)
            .OrderBy(m => m.DisplayName).ToListAsync(cancellationToken);
        var ids = members.Select(m => m.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        return TypedResults.Ok(members.Select(m => ToResponse(m, [.. roles.Where(r => r.UserId == m.Id).Select(r => r.Name!)], clock)).ToList());
    }

    internal static async Task<Results<Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateMemberRequest request, UserManager<Member> users, IWorkspaceContext workspace, TimeProvider clock)
    {
        if (!MemberRole.IsKnown(request.Role))
        {
            return Problems.Invalid("role", $"role must be one of: {string.Join(", ", MemberRole.All)}.");
        }

        var team = TeamName.Normalize(request.Team);
        if (team is not null && !TeamName.IsValid(team))
        {
            return Problems.Invalid("team", TeamName.Rule);
        }

        if (await users.FindByEmailAsync(request.Email) is not null)
        {
            return Problems.Conflict("A member with this email already exists.");
        }

        var member = new Member
        {
            WorkspaceId = workspace.WorkspaceId!.Value,
            UserName = request.Email,
            Email = request.Email,
            EmailConfirmed = true,
            DisplayName = request.DisplayName.Trim(),
            ConversationCapacity = request.ConversationCapacity ?? 0,
            Team = team,
            CreatedAt = clock.GetUtcNow(),
        };
        var result = await users.CreateAsync(member, request.Password);
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(IdentityErrors(result));
        }

        await users.AddToRoleAsync(member, request.Role);
        return TypedResults.Created($"/api/v1/members/{member.Id}", ToResponse(member, [request.Role], clock));
    }

    internal static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateMemberRequest request, UserManager<Member> users, IWorkspaceContext workspace, HttpContext context, TimeProvider clock)
    {
        var member = await users.FindByIdAsync(id.ToString());
        if (member is null || member.WorkspaceId != workspace.WorkspaceId)
        {
            return Problems.NotFound("Member");
        }

        if (request.Role is not null && !MemberRole.IsKnown(request.Role))
        {
            return Problems.Invalid("role", $"role must be one of: {string.Join(", ", MemberRole.All)}.");
        }

        var team = TeamName.Normalize(request.Team);
        if (team is not null && !TeamName.IsValid(team))
        {
            return Problems.Invalid("team", TeamName.Rule);
        }

        if (request.Role is not null && request.Role != MemberRole.Admin && IsSelf(context, id))
        {
            return Problems.Invalid("role", "You can't take the admin role from yourself; ask another admin.");
        }

        member.DisplayName = request.DisplayName?.Trim() ?? member.DisplayName;
        member.Availability = request.Availability ?? member.Availability;
        member.ConversationCapacity = request.ConversationCapacity ?? member.ConversationCapacity;
        member.Team = request.Team is null ? member.Team : team;
        await users.UpdateAsync(member);
        var roles = await users.GetRolesAsync(member);
        if (request.Role is not null && !(roles.Count == 1 && roles[0] == request.Role))
        {
            await users.RemoveFromRolesAsync(member, roles);
            await users.AddToRoleAsync(member, request.Role);
            await users.UpdateSecurityStampAsync(member); // signs the member out of cookies with the old role
            roles = [request.Role];
        }

        return TypedResults.Ok(ToResponse(member, [.. roles], clock));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        Guid id, UserManager<Member> users, IWorkspaceContext workspace, HttpContext context)
    {
        var member = await users.FindByIdAsync(id.ToString());
        if (member is null || member.WorkspaceId != workspace.WorkspaceId)
        {
            return Problems.NotFound("Member");
        }

        if (IsSelf(context, id))
        {
            return Problems.Invalid("id", "You can't remove yourself.");
        }

        await users.DeleteAsync(member);
        return TypedResults.NoContent();
    }

    /// <summary>Ends a sign-in lock now (an admin vouching for a colleague kept out by someone guessing their password).</summary>
    internal static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> UnlockAsync(
        Guid id, UserManager<Member> users, IWorkspaceContext workspace, TimeProvider clock)
    {
        var member = await users.FindByIdAsync(id.ToString());
        if (member is null || member.WorkspaceId != workspace.WorkspaceId)
        {
            return Problems.NotFound("Member");
        }

        await users.SetLockoutEndDateAsync(member, null);
        await users.ResetAccessFailedCountAsync(member);
        return TypedResults.Ok(ToResponse(member, [.. await users.GetRolesAsync(member)], clock));
    }

    private static bool IsSelf(HttpContext context, Guid id) => context.User.FindFirst(HubClaims.Subject)?.Value == id.ToString();

    private static MemberResponse ToResponse(Member m, IReadOnlyList<string> roles, TimeProvider clock) =>
        new(m.Id, m.Email ?? string.Empty, m.DisplayName, roles, m.Availability, m.ConversationCapacity, m.CreatedAt)
        {
            LockedUntil = m.LockoutEnd > clock.GetUtcNow() ? m.LockoutEnd : null,
            Team = m.Team,
        };

    private static Dictionary<string, string[]> IdentityErrors(IdentityResult result) =>
        result.Errors.GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
