using System.ComponentModel.DataAnnotations;
using Hub.Core.Channels;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Auth.Api;

/// <summary>The caller's workspace.</summary>
public sealed record WorkspaceResponse(Guid Id, string Name, string Slug, string TimeZone, IReadOnlyList<BusinessDay> BusinessHours, DateTimeOffset CreatedAt)
{
    public static WorkspaceResponse From(Workspace w) => new(w.Id, w.Name, w.Slug, w.TimeZone, w.BusinessHours.Days, w.CreatedAt);
}

/// <summary>
/// Changes the workspace: only the fields present are changed. <c>business_hours</c> lists opening windows per weekday
/// in the workspace's time zone (<c>{"day":"monday","opens":"09:00","closes":"17:00"}</c>); an empty list means always open.
/// </summary>
public sealed record UpdateWorkspaceRequest(
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(64)] string? TimeZone,
    [property: MaxLength(50)] List<BusinessDay>? BusinessHours = null);

/// <summary>Signs up a new workspace with its first admin (only when <c>Auth:AllowSignup</c> is on).</summary>
public sealed record SignUpRequest(
    [property: Required, MaxLength(200)] string WorkspaceName,
    [property: Required, EmailAddress, MaxLength(256)] string AdminEmail,
    [property: Required, MaxLength(200)] string AdminName,
    [property: Required, MinLength(10), MaxLength(200)] string AdminPassword);

/// <summary>The new end-user token secret, shown once.</summary>
public sealed record ClientSecretResponse(string ClientTokenSecret);

/// <summary>
/// The first-run checklist, each step read from what the workspace holds: <c>channel</c> (an email, SMS or WhatsApp
/// channel), <c>widget</c> (a web chat conversation has started, so the widget is on a page), <c>teammate</c> (a second
/// member), <c>template</c>, <c>campaign</c> (one has been started).
/// </summary>
public sealed record SetupResponse(IReadOnlyList<SetupStep> Steps, int Done, int Total, bool Complete);

/// <summary>One step of the first-run checklist.</summary>
public sealed record SetupStep(string Key, bool Done);

/// <summary><c>/api/v1/workspace</c> (the caller's) and <c>/api/v1/workspaces</c> (sign-up).</summary>
public static class WorkspacesApi
{
    public static IEndpointRouteBuilder MapWorkspacesApi(this IEndpointRouteBuilder app)
    {
        var current = app.MapGroup("/api/v1/workspace").WithTags("Workspace");
        current.MapGet("/", GetAsync).RequireAuthorization();
        current.MapPatch("/", UpdateAsync).RequireAuthorization(HubPolicies.Admin);
        current.MapPost("/client-secret", RotateClientSecretAsync).RequireAuthorization(HubPolicies.Admin);
        current.MapGet("/setup", SetupAsync).RequireAuthorization(HubPolicies.Admin);
        app.MapPost("/api/v1/workspaces", SignUpAsync).WithTags("Workspace").AllowAnonymous()
            .RequireRateLimiting(AuthExtensions.SignInRateLimit);
        return app;
    }

    internal static async Task<Results<Ok<WorkspaceResponse>, ProblemHttpResult>> GetAsync(
        HubDbContext db, IWorkspaceContext workspace, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workspace.WorkspaceId, cancellationToken);
        return found is null ? Problems.NotFound("Workspace") : TypedResults.Ok(WorkspaceResponse.From(found));
    }

    internal static async Task<Ok<SetupResponse>> SetupAsync(HubDbContext db, IWorkspaceContext workspace, CancellationToken cancellationToken)
    {
        var id = workspace.WorkspaceId;
        SetupStep[] steps =
        [
            new("channel", await db.Channels.AnyAsync(c => c.Type == ChannelType.Email || c.Type == ChannelType.Sms || c.Type == ChannelType.WhatsApp, cancellationToken)),
            new("widget", await db.Conversations.AnyAsync(c => c.ChannelType == ChannelType.Chat, cancellationToken)),
            // Members are not behind the workspace filter (sign-in must find them), so this query scopes itself.
            new("teammate", await db.Users.CountAsync(m => m.WorkspaceId == id, cancellationToken) > 1),
            new("template", await db.Templates.AnyAsync(cancellationToken)),
            new("campaign", await db.Campaigns.AnyAsync(c => c.StartedAt != null, cancellationToken)),
        ];
        var done = steps.Count(s => s.Done);
        return TypedResults.Ok(new SetupResponse(steps, done, steps.Length, done == steps.Length));
    }

    internal static async Task<Results<Ok<WorkspaceResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        UpdateWorkspaceRequest request, HubDbContext db, IWorkspaceContext workspace, CancellationToken cancellationToken)
    {
        if (request.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _))
        {
            return Problems.Invalid("time_zone", $"'{request.TimeZone}' is not a known IANA time zone.");
        }

        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Invalid("name", "The workspace needs a name.");
        }

        var hours = request.BusinessHours is null ? null : new BusinessHours { Days = request.BusinessHours };
        if (hours?.Problem() is { } problem)
        {
            return Problems.Invalid("business_hours", problem);
        }

        var found = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == workspace.WorkspaceId, cancellationToken);
        if (found is null)
        {
            return Problems.NotFound("Workspace");
        }

        found.BusinessHours = hours ?? found.BusinessHours;
        found.Name = request.Name?.Trim() ?? found.Name;
        found.TimeZone = request.TimeZone ?? found.TimeZone;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(WorkspaceResponse.From(found));
    }

    internal static async Task<Results<Ok<ClientSecretResponse>, ProblemHttpResult>> RotateClientSecretAsync(
        HubDbContext db, IWorkspaceContext workspace, CancellationToken cancellationToken)
    {
        var found = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == workspace.WorkspaceId, cancellationToken);
        if (found is null)
        {
            return Problems.NotFound("Workspace");
        }

        found.ClientTokenSecret = WorkspaceProvisioner.NewClientTokenSecret();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new ClientSecretResponse(found.ClientTokenSecret));
    }

    internal static async Task<Results<Created<WorkspaceResponse>, ValidationProblem, ProblemHttpResult>> SignUpAsync(
        SignUpRequest request, WorkspaceProvisioner provisioner, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowSignup)
        {
            return TypedResults.Problem("Sign-up is turned off on this Hub; ask its operator for a workspace.",
                statusCode: StatusCodes.Status403Forbidden, title: "Sign-up disabled");
        }

        var result = await provisioner.CreateAsync(request.WorkspaceName, request.AdminEmail, request.AdminName, request.AdminPassword, cancellationToken);
        if (result.Workspace is null)
        {
            return TypedResults.ValidationProblem(result.Errors
                .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "admin_password" : "admin_email")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
        }

        return TypedResults.Created("/api/v1/workspace", WorkspaceResponse.From(result.Workspace));
    }
}
