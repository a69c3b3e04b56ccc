using System.ComponentModel.DataAnnotations;
using Hub.Core.Members;
using Hub.Core.Workspaces;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Auth.Api;

/// <summary>Creates an API key; <c>role</c> is admin (default), agent or marketer.</summary>
public sealed record CreateApiKeyRequest([property: Required, MaxLength(200)] string Name, string? Role);

/// <summary>An API key without its secret.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Role, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>A new API key with its secret, which is shown this once and never again.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Prefix, string Role, string Key, DateTimeOffset CreatedAt);

/// <summary><c>/api/v1/api-keys</c>: keys for server-to-server calls, managed by admins.</summary>
public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(HubPolicies.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{id:guid}", RevokeAsync);
        return app;
    }

    internal static async Task<Ok<List<ApiKeyResponse>>> ListAsync(HubDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.Role, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken));

    internal static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateAsync(
        CreateApiKeyRequest request, HubDbContext db, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        var role = request.Role ?? MemberRole.Admin;
        if (!MemberRole.IsKnown(role))
        {
            return Problems.Invalid("role", $"role must be one of: {string.Join(", ", MemberRole.All)}.");
        }

        var (key, prefix, hash) = ApiKeySecret.Generate();
        var apiKey = new ApiKey
        {
            Name = request.Name.Trim(),
            Prefix = prefix,
            SecretHash = hash,
            Role = role,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = Guid.TryParse(context.User.FindFirst(HubClaims.Subject)?.Value, out var by) ? by : null,
        };
        db.ApiKeys.Add(apiKey);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/api-keys/{apiKey.Id}",
            new CreatedApiKeyResponse(apiKey.Id, apiKey.Name, prefix, role, key, apiKey.CreatedAt));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var revoked = await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        return revoked == 0 ? Problems.NotFound("API key") : TypedResults.NoContent();
    }
}
