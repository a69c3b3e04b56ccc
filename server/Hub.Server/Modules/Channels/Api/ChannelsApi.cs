using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Api;

/// <summary>A channel as the API shows it: secret settings are masked.</summary>
public sealed record ChannelResponse(
    Guid Id, string Name, ChannelType Type, string Provider, string? Address, Dictionary<string, JsonElement> Settings,
    int RateLimitPerSecond, bool IsActive, ChannelHealth Health, DateTimeOffset? LastCheckedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    private static readonly JsonElement Masked = JsonSerializer.SerializeToElement(ChannelSettings.Mask);

    public static ChannelResponse From(Channel c) => new(
        c.Id, c.Name, c.Type, c.Provider, c.Address,
        c.Settings.ToDictionary(kv => kv.Key, kv => ChannelSettings.IsSecret(kv.Key) ? Masked : kv.Value),
        c.RateLimitPerSecond, c.IsActive, c.Health, c.LastCheckedAt, c.CreatedAt, c.UpdatedAt);
}

/// <summary>Creates a channel.</summary>
public sealed record CreateChannelRequest(
    [property: Required, MaxLength(200)] string Name,
    [property: Required] ChannelType? Type,
    [property: Required, MaxLength(32)] string Provider,
    [property: MaxLength(320)] string? Address,
    Dictionary<string, JsonElement>? Settings,
    [property: Range(0, 100_000)] int? RateLimitPerSecond,
    bool? IsActive);

/// <summary>Changes a channel: only the fields present change; settings are merged (null removes a key).</summary>
public sealed record UpdateChannelRequest(
    [property: MaxLength(200)] string? Name,
    [property: MaxLength(320)] string? Address,
    Dictionary<string, JsonElement>? Settings,
    [property: Range(0, 100_000)] int? RateLimitPerSecond,
    bool? IsActive);

/// <summary><c>/api/v1/channels</c>: the workspace's mailboxes, numbers and chat widgets.</summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/channels").WithTags("Channels");
        group.MapGet("/", ListAsync).RequireAuthorization();
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization();
        group.MapPost("/", CreateAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(HubPolicies.Admin);
        group.MapPost("/{id:guid}/test", ChannelTestApi.SendAsync).WithName("TestChannel").RequireAuthorization(HubPolicies.Admin);
        group.MapPost("/{id:guid}/check", ChannelCheckApi.CheckAsync).WithName("CheckChannel").RequireAuthorization(HubPolicies.Admin);
        return app;
    }

    internal static async Task<Results<Ok<List<ChannelResponse>>, ValidationProblem>> ListAsync(HubDbContext db, string? type, CancellationToken cancellationToken)
    {
        if (!QueryEnum.TryParse<ChannelType>(type, out var typeFilter))
        {
            return Problems.Invalid("type", $"type is one of: {QueryEnum.Allowed<ChannelType>()}.");
        }

        var query = db.Channels.AsNoTracking();
        if (typeFilter is { } t)
        {
            query = query.Where(c => c.Type == t);
        }

        var channels = await query.OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(channels.Select(ChannelResponse.From).ToList());
    }

    internal static async Task<Results<Ok<ChannelResponse>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return channel is null ? Problems.NotFound("Channel") : TypedResults.Ok(ChannelResponse.From(channel));
    }

    internal static async Task<Results<Created<ChannelResponse>, ValidationProblem>> CreateAsync(
        CreateChannelRequest request, HubDbContext db, ChannelSecrets secrets, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Settings is { Count: > ChannelSettings.MaxSettings })
        {
            return Problems.Invalid("settings", $"At most {ChannelSettings.MaxSettings} settings.");
        }

        if (ChannelSettingsRules.Check(request.Type!.Value, request.Settings ?? []) is { } settingErrors)
        {
            return TypedResults.ValidationProblem(settingErrors);
        }

        var now = clock.GetUtcNow();
        var channel = new Channel
        {
            Name = request.Name.Trim(),
            Type = request.Type!.Value,
            Provider = request.Provider.Trim().ToLowerInvariant(),
            // A web chat channel's address is the public key its widget script tag carries.
            Address = request.Address ?? (request.Type == ChannelType.Chat && request.Provider.Trim().Equals("webchat", StringComparison.OrdinalIgnoreCase)
                ? Hub.Server.Modules.Channels.Chat.WidgetApi.NewWidgetKey() : null),
            Settings = secrets.SealIncoming(request.Settings ?? []), // secrets are encrypted before they reach the database
            RateLimitPerSecond = request.RateLimitPerSecond ?? 0,
            IsActive = request.IsActive ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Channels.Add(channel);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/channels/{channel.Id}", ChannelResponse.From(channel));
    }

    internal static async Task<Results<Ok<ChannelResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateChannelRequest request, HubDbContext db, ChannelSecrets secrets, TimeProvider clock, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return Problems.NotFound("Channel");
        }

        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Invalid("name", "A channel needs a name.");
        }

        if (request.Settings is not null)
        {
            // A masked value read back from GET and sent again means "unchanged", not "the password is ********".
            var changes = request.Settings
                .Where(kv => !(ChannelSettings.IsSecret(kv.Key) && kv.Value.ValueKind == JsonValueKind.String && kv.Value.GetString() == ChannelSettings.Mask))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            var merged = JsonMerge.Apply(channel.Settings, secrets.SealIncoming(changes)); // new secrets are encrypted

            if (merged.Count > ChannelSettings.MaxSettings)
            {
                return Problems.Invalid("settings", $"At most {ChannelSettings.MaxSettings} settings.");
            }

            if (ChannelSettingsRules.Check(channel.Type, merged) is { } settingErrors)
            {
                return TypedResults.ValidationProblem(settingErrors);
            }

            channel.Settings = merged;
        }

        channel.Settings = secrets.Seal(channel.Settings); // a plain secret stored before encryption existed is encrypted now
        channel.Name = request.Name?.Trim() ?? channel.Name;
        channel.Address = request.Address ?? channel.Address;
        channel.RateLimitPerSecond = request.RateLimitPerSecond ?? channel.RateLimitPerSecond;
        channel.IsActive = request.IsActive ?? channel.IsActive;
        channel.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ChannelResponse.From(channel));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.Channels.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? Problems.NotFound("Channel") : TypedResults.NoContent();
    }
}
