using System.Net.Mail;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Hub.Adapters.Chat;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Data;
using Hub.Server.Auth.Api;
using Hub.Server.Auth;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Channels.Chat;

/// <summary>What the web chat widget sends to open a session. Everything but the key is optional.</summary>
public sealed record WidgetSessionRequest(string? WidgetKey, string? VisitorId, string? Name, string? Email);

/// <summary>A short-lived end-user token for the visitor; connect with <c>hub_url?access_token=…</c>.</summary>
public sealed record WidgetSessionResponse(string Token, string VisitorId, DateTimeOffset ExpiresAt, string HubUrl);

/// <summary>
/// The public entry point of the web chat widget (<c>adapters/Hub.Adapters.Chat</c>): anonymous website visitors
/// have no backend of their own to sign end-user tokens, so Hub signs one for a visitor id it hands out
/// (<c>v_…</c>, never a customer's real user id) against the public key of an active <c>chat</c> channel. The token
/// names that channel, so with two sites (two chat channels) each site's conversations stay under its own channel.
/// </summary>
public static partial class WidgetApi
{
    /// <summary>Visitor ids: Hub's own namespace, so a visitor can't claim a customer's user id.</summary>
    [GeneratedRegex("^v_[A-Za-z0-9]{16,64}$")]
    private static partial Regex VisitorIdPattern();

    /// <summary>How long a widget token lives: the widget asks for a new one on a reconnect near expiry.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapWidgetApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/widget/sessions", CreateSessionAsync).WithTags("Web chat").AllowAnonymous()
            .RequireRateLimiting(AuthExtensions.SignInRateLimit).AddEndpointFilter(AllowAnyOrigin);
        // The widget runs on the customer's site: a cross-origin JSON POST is preflighted.
        app.MapMethods("/api/v1/widget/sessions", [HttpMethods.Options], Preflight).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/widget.js", Script).WithTags("Web chat").AllowAnonymous();
        return app;
    }

    /// <summary>A new public widget key (store it in the <c>Address</c> of a <c>chat</c> channel with provider <c>webchat</c>).</summary>
    public static string NewWidgetKey() => "wk_" + RandomToken(24);

    /// <summary>A new visitor id, <c>v_</c> and 24 random letters and digits.</summary>
    public static string NewVisitorId() => "v_" + RandomToken(24);

    private static string RandomToken(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

    internal static async Task<Results<Ok<WidgetSessionResponse>, ValidationProblem, ProblemHttpResult>> CreateSessionAsync(
        WidgetSessionRequest request, HubDbContext db, IOptions<ClientTokenOptions> options, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var key = request.WidgetKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length > 320)
        {
            return Problems.Invalid("widget_key", "widget_key is required.");
        }

        var visitorId = request.VisitorId?.Trim();
        if (!string.IsNullOrEmpty(visitorId) && !VisitorIdPattern().IsMatch(visitorId))
        {
            return Problems.Invalid("visitor_id", "visitor_id is one Hub handed out: v_ and 16 to 64 letters or digits.");
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > 200 })
        {
            return Problems.Invalid("name", "At most 200 characters.");
        }

        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim().ToLowerInvariant();
        if (email is not null && !IsEmail(email))
        {
            return Problems.Invalid("email", "Not a valid email address.");
        }

        // Anonymous: no workspace context yet, so the filter is bypassed and the key itself picks the workspace.
        var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.Address == key && c.Type == ChannelType.Chat && c.IsActive)
            .Select(c => new { c.Id, c.WorkspaceId, c.Settings })
            .FirstOrDefaultAsync(cancellationToken);
        var secret = channel is null
            ? null
            : await db.Workspaces.IgnoreQueryFilters().AsNoTracking().Where(w => w.Id == channel.WorkspaceId)
                .Select(w => w.ClientTokenSecret).FirstOrDefaultAsync(cancellationToken);
        if (channel is null || string.IsNullOrEmpty(secret))
        {
            return Problems.NotFound("Widget");
        }

        if (!OriginAllowed(channel.Settings, http.Request.Headers.Origin.ToString()))
        {
            return TypedResults.Problem("This site is not one of the widget's allowed origins.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        visitorId = string.IsNullOrEmpty(visitorId) ? NewVisitorId() : visitorId;
        if (name is not null || email is not null)
        {
            await SaveProfileAsync(db, channel.WorkspaceId, visitorId, name, email, clock.GetUtcNow(), cancellationToken);
        }

        var now = clock.GetUtcNow();
        var lifetime = TokenLifetime < options.Value.MaxClientTokenLifetime ? TokenLifetime : options.Value.MaxClientTokenLifetime;
        var expires = now + lifetime;
        var token = ClientTokensApi.Mint(secret, channel.WorkspaceId, visitorId, now, expires, channel.Id);
        var hubUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/hubs/client";
        return TypedResults.Ok(new WidgetSessionResponse(token, visitorId, expires, hubUrl));
    }

    /// <summary>
    /// A channel with <c>allowed_origins</c> opens sessions only for pages on those sites, so its key copied onto
    /// another site does not start chats there; without the setting any site may embed it.
    /// </summary>
    private static bool OriginAllowed(Dictionary<string, System.Text.Json.JsonElement> settings, string origin)
    {
        if (!settings.TryGetValue("allowed_origins", out var allowed) || allowed.ValueKind != System.Text.Json.JsonValueKind.Array || allowed.GetArrayLength() == 0)
        {
            return true;
        }

        var given = origin.Trim().TrimEnd('/');
        return given.Length > 0 && allowed.EnumerateArray()
            .Any(a => a.ValueKind == System.Text.Json.JsonValueKind.String && string.Equals(a.GetString()?.Trim().TrimEnd('/'), given, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsEmail(string email) =>
        email.Length <= 320 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Contains('.', StringComparison.Ordinal);

    /// <summary>Finds or creates the visitor's contact (by external id) and sets what the pre-chat form gave.</summary>
    private static async Task SaveProfileAsync(HubDbContext db, Guid workspaceId, string visitorId, string? name, string? email,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var contact = await db.Contacts.IgnoreQueryFilters()
                .FirstOrDefaultAsync(c => c.WorkspaceId == workspaceId && c.ExternalId == visitorId, cancellationToken);
            if (contact is null)
            {
                contact = new Contact { WorkspaceId = workspaceId, ExternalId = visitorId, CreatedAt = now };
                db.Contacts.Add(contact);
            }

            contact.FirstName = name ?? contact.FirstName;
            contact.Email = email ?? contact.Email;
            contact.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.ChangeTracker.Clear(); // created concurrently (the hub's first connect): update that one
            }
        }
    }

    private static async ValueTask<object?> AllowAnyOrigin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        return await next(context);
    }

    private static IResult Preflight(HttpContext http)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.AccessControlAllowMethods = "POST";
        http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
        http.Response.Headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }

    private static IResult Script(HttpContext http)
    {
        var script = ChatWidget.Script;
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch.ToString() == script.ETag)
        {
            http.Response.Headers.ETag = script.ETag;
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        http.Response.Headers.ETag = script.ETag;
        return TypedResults.Bytes(script.Content, "text/javascript; charset=utf-8");
    }
}
